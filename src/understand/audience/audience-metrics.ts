/** Recall@K and AUC of one item's user ranking. */
export interface AudienceFigures {
  recallAtK: number;
  auc: number;
}

/**
 * Scores one item's ranking of users against the users truly interested
 * (`positives`), among the candidates (`candidate[user]` = 1; users already
 * known to have seen the item are not candidates). Recall@K is the share of
 * positives among the K best-scored candidates; AUC is the probability that a
 * random positive outscores a random negative candidate (ties count half).
 * Returns undefined when there is no positive or no negative candidate.
 */
export function audienceFigures(
  scores: Float32Array,
  positives: readonly number[],
  candidate: Uint8Array,
  k: number,
): AudienceFigures | undefined {
  const isPositive = new Uint8Array(scores.length);
  let positiveCount = 0;
  for (const user of positives) {
    if (candidate[user] === 1 && isPositive[user] === 0) {
      isPositive[user] = 1;
      positiveCount++;
    }
  }
  const users: number[] = [];
  for (let user = 0; user < scores.length; user++) if (candidate[user] === 1) users.push(user);
  const negativeCount = users.length - positiveCount;
  if (positiveCount === 0 || negativeCount === 0) return undefined;
  // Ascending by score; ties broken by index for Recall@K, averaged for AUC.
  users.sort((a, b) => scores[a]! - scores[b]! || b - a);
  let hits = 0;
  for (let r = users.length - 1; r >= Math.max(users.length - k, 0); r--) hits += isPositive[users[r]!]!;
  // Mann-Whitney U with mid-ranks for ties.
  let rankSum = 0;
  let start = 0;
  while (start < users.length) {
    let end = start;
    while (end + 1 < users.length && scores[users[end + 1]!] === scores[users[start]!]) end++;
    const midRank = (start + end) / 2 + 1;
    for (let r = start; r <= end; r++) if (isPositive[users[r]!] === 1) rankSum += midRank;
    start = end + 1;
  }
  const auc = (rankSum - (positiveCount * (positiveCount + 1)) / 2) / (positiveCount * negativeCount);
  return { recallAtK: hits / positiveCount, auc };
}
