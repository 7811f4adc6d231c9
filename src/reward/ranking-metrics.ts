/**
 * Area under the ROC curve of `scores` for binary `labels` (Mann-Whitney, ties
 * count half); NaN when one class is missing. `rows` picks a subset (default all).
 */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>, rows?: ArrayLike<number>): number {
  const n = rows ? rows.length : scores.length;
  const index = Array.from({ length: n }, (_, k) => (rows ? rows[k]! : k));
  index.sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  for (let k = 0; k < n; ) {
    let end = k;
    while (end + 1 < n && scores[index[end + 1]!] === scores[index[k]!]) end++;
    const midRank = (k + end) / 2 + 1; // 1-based average rank of the tie group
    for (let j = k; j <= end; j++) {
      if (labels[index[j]!]! > 0) {
        positives++;
        rankSum += midRank;
      }
    }
    k = end + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Group AUC: the AUC within each user, averaged with the user's impression
 * count as weight (Zhou et al. 2018, DIN); users with one class only are left out.
 */
export function gauc(scores: ArrayLike<number>, labels: ArrayLike<number>, users: ArrayLike<number>): number {
  const byUser = new Map<number, number[]>();
  for (let k = 0; k < scores.length; k++) {
    const rows = byUser.get(users[k]!);
    if (rows) rows.push(k);
    else byUser.set(users[k]!, [k]);
  }
  let weighted = 0;
  let weight = 0;
  for (const rows of byUser.values()) {
    const value = auc(scores, labels, rows);
    if (Number.isNaN(value)) continue;
    weighted += value * rows.length;
    weight += rows.length;
  }
  return weight > 0 ? weighted / weight : Number.NaN;
}

/**
 * NDCG of the order `scores` gives rows [from, to) against graded `gains`
 * (here the hidden satisfaction), over the whole group: DCG = sum gain / log2(rank + 1).
 */
export function groupNdcg(
  scores: ArrayLike<number>,
  gains: ArrayLike<number>,
  from: number,
  to: number,
): number {
  const rows = Array.from({ length: to - from }, (_, k) => from + k);
  const dcg = (order: number[]) =>
    order.reduce((sum, row, rank) => sum + gains[row]! / Math.log2(rank + 2), 0);
  const ideal = dcg([...rows].sort((a, b) => gains[b]! - gains[a]!));
  return ideal > 0 ? dcg([...rows].sort((a, b) => scores[b]! - scores[a]!)) / ideal : Number.NaN;
}

/** Mean NDCG over the groups of `offsets` (group g is rows [offsets[g], offsets[g + 1])) with at least two rows. */
export function meanNdcg(
  scores: ArrayLike<number>,
  gains: ArrayLike<number>,
  offsets: ArrayLike<number>,
): number {
  let sum = 0;
  let groups = 0;
  for (let g = 0; g + 1 < offsets.length; g++) {
    if (offsets[g + 1]! - offsets[g]! < 2) continue;
    const value = groupNdcg(scores, gains, offsets[g]!, offsets[g + 1]!);
    if (Number.isNaN(value)) continue;
    sum += value;
    groups++;
  }
  return groups > 0 ? sum / groups : Number.NaN;
}
