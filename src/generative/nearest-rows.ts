/**
 * The `k` rows of `vectors` [rows, dim] with the largest dot product with row
 * `query`, best first, the query itself left out (ties: lower row). Brute
 * force: a catalogue of 10^4 to 10^5 items x 64 dims is a few ms.
 */
export function nearestRows(
  vectors: Float32Array,
  dim: number,
  query: number,
  k: number,
): Array<{ row: number; score: number }> {
  const rows = vectors.length / dim;
  const base = query * dim;
  const best: Array<{ row: number; score: number }> = [];
  if (k <= 0) return best;
  for (let row = 0; row < rows; row++) {
    if (row === query) continue;
    let score = 0;
    const offset = row * dim;
    for (let j = 0; j < dim; j++) score += vectors[base + j]! * vectors[offset + j]!;
    if (best.length === k && score <= best[k - 1]!.score) continue;
    let at = best.length < k ? best.length : k - 1;
    if (best.length < k) best.push({ row, score });
    while (at > 0 && best[at - 1]!.score < score) {
      best[at] = best[at - 1]!;
      at--;
    }
    best[at] = { row, score };
  }
  return best;
}
