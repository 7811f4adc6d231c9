/**
 * The `n` highest scores' indices, best first, into `out`; returns how many
 * were found (-Infinity and NaN are never taken). Ties go to the lower index, as
 * in eval's topK, but one linear pass with a sorted insertion list: a feed page
 * is small (n ~ 10) and popularity scores tie massively, which a heap pays for.
 */
export function topItems(scores: Float32Array, n: number, out: Int32Array, best: Float64Array): number {
  let size = 0;
  let floor = Number.NEGATIVE_INFINITY;
  for (let item = 0; item < scores.length; item++) {
    const score = scores[item]!;
    if (!(score > floor) && !(size < n && score > Number.NEGATIVE_INFINITY)) continue;
    // Insert after every kept score >= this one (equal scores keep the lower index first).
    let position = size < n ? size : n - 1;
    while (position > 0 && best[position - 1]! < score) {
      if (position < n) {
        best[position] = best[position - 1]!;
        out[position] = out[position - 1]!;
      }
      position--;
    }
    best[position] = score;
    out[position] = item;
    if (size < n) size++;
    if (size === n) floor = best[n - 1]!;
  }
  return size;
}
