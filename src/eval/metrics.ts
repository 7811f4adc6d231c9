/**
 * Ranking metrics for one user. `ranked` is the model's top list (best first),
 * `targets` the held-out items. Recall@K = hits / |targets| (with one target it
 * equals HR@K). NDCG@K uses binary gains and the discount 1 / log2(rank + 1),
 * normalised by the DCG of min(|targets|, K) hits at the top.
 */
export function recallAtK(ranked: ArrayLike<number>, targets: ReadonlySet<number>, k: number): number {
  if (targets.size === 0) return 0;
  let hits = 0;
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) if (targets.has(ranked[i]!)) hits++;
  return hits / targets.size;
}

export function ndcgAtK(ranked: ArrayLike<number>, targets: ReadonlySet<number>, k: number): number {
  if (targets.size === 0) return 0;
  let dcg = 0;
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) if (targets.has(ranked[i]!)) dcg += 1 / Math.log2(i + 2);
  let ideal = 0;
  const idealHits = Math.min(k, targets.size);
  for (let i = 0; i < idealHits; i++) ideal += 1 / Math.log2(i + 2);
  return dcg / ideal;
}

/**
 * 1 / (full-catalogue rank of the best-ranked target), with the same tie rule
 * as topK (equal scores: lower index first). Items scored -Infinity are not ranked.
 */
export function reciprocalRank(scores: Float32Array, targets: ReadonlySet<number>): number {
  let best = -1;
  for (const target of targets) {
    if (best < 0 || ranksBefore(scores, target, best)) best = target;
  }
  if (best < 0) return 0;
  const bestScore = scores[best]!;
  if (bestScore === Number.NEGATIVE_INFINITY || Number.isNaN(bestScore)) return 0;
  let rank = 1;
  for (let item = 0; item < scores.length; item++) {
    const score = scores[item]!;
    if (score > bestScore || (score === bestScore && item < best)) rank++;
  }
  return 1 / rank;
}

function ranksBefore(scores: Float32Array, a: number, b: number): boolean {
  const sa = scores[a]!;
  const sb = scores[b]!;
  return sa > sb || (sa === sb && a < b);
}
