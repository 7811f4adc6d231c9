import { IntTensor, Tensor } from '../../tensor/index.js';

/** One example as weighted feature rows of a lookup table (a sparse vector). */
export interface SparseRow {
  ids: Int32Array;
  weights: Float32Array;
}

/** Feature strings -> vocabulary rows, counting repeats, weights scaled so they sum to 1 (a mean of embeddings). */
export function meanRow(features: readonly string[], vocabulary: ReadonlyMap<string, number>): SparseRow {
  const counts = new Map<number, number>();
  for (const feature of features) {
    const id = vocabulary.get(feature);
    if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
  return {
    ids: Int32Array.from(counts.keys()),
    weights: Float32Array.from(counts.values(), (count) => count / total),
  };
}

/**
 * Rows padded into a batch: ids [B, L] (padding points at row 0 with weight 0)
 * and weights [B, 1, L], so `matmul(weights, embedding(table, ids))` is the
 * weighted sum of each row's table rows, [B, 1, D]. A row with no features has
 * all-zero weights.
 */
export function sparseBatch(rows: readonly SparseRow[]): { ids: IntTensor; weights: Tensor } {
  const length = Math.max(1, ...rows.map((row) => row.ids.length));
  const ids = new Int32Array(rows.length * length);
  const weights = new Float32Array(rows.length * length);
  rows.forEach((row, b) => {
    ids.set(row.ids, b * length);
    weights.set(row.weights, b * length);
  });
  return {
    ids: new IntTensor(ids, [rows.length, length]),
    weights: new Tensor(weights, [rows.length, 1, length]),
  };
}
