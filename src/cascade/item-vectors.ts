/**
 * Item embeddings [count, dim], row i for item i, rows unit length (zero for
 * items that co-occur with nothing). Pre-rank and ANN recall share them.
 */
export interface ItemEmbeddings {
  vectors: Float32Array;
  count: number;
  dim: number;
}

export interface UserVectorOptions {
  /** Most recent history items read (default 50). */
  historyWindow: number;
  /** Weight decay^age of a history item, the newest has age 0 (default 0.9). */
  decay: number;
}

/**
 * The user tower of the pre-rank model: u = normalise(sum_h decay^age(h) * v_h)
 * over the recent history (a recency-weighted mean; the norm does not change
 * the order of dot products). Writes into `out` [dim]; returns false when the
 * history has no item with a vector.
 */
export function userVector(
  embeddings: ItemEmbeddings,
  history: Int32Array,
  options: UserVectorOptions,
  out: Float32Array,
): boolean {
  const { vectors, dim } = embeddings;
  out.fill(0);
  let weight = 1;
  const oldest = Math.max(0, history.length - options.historyWindow);
  for (let position = history.length - 1; position >= oldest; position--) {
    const row = history[position]! * dim;
    for (let d = 0; d < dim; d++) out[d]! += weight * vectors[row + d]!;
    weight *= options.decay;
  }
  let norm = 0;
  for (let d = 0; d < dim; d++) norm += out[d]! * out[d]!;
  if (norm === 0) return false;
  const inverse = 1 / Math.sqrt(norm);
  for (let d = 0; d < dim; d++) out[d]! *= inverse;
  return true;
}

/** v_item . u */
export function dot(embeddings: ItemEmbeddings, item: number, user: Float32Array): number {
  const { vectors, dim } = embeddings;
  const row = item * dim;
  let sum = 0;
  for (let d = 0; d < dim; d++) sum += vectors[row + d]! * user[d]!;
  return sum;
}
