import type { InterestLog } from './interest-log.js';

/**
 * Item-kNN audience (Sarwar et al. 2001, turned around: users for an item). The
 * similarity of the target item i to item j is the cosine of their user sets,
 * |U_i & U_j| / sqrt(|U_i| |U_j|); a user's score is the sum of the
 * similarities of i to the items in their history, divided by
 * |history| ^ historyPower: 0 keeps the sum (heavy users first), 0.5 (the
 * default, best on the MovieLens validation split: Recall@100 0.73 vs 0.69 at 0
 * and 0.32 at 1) lets a short history compete. An item nobody liked yet scores
 * every user 0.
 */
export function collaborativeScores(log: InterestLog, item: number, historyPower = 0.5): Float32Array {
  const audience = log.itemUsers[item];
  if (audience === undefined) throw new RangeError(`item ${item} is outside 0..${log.numItems - 1}`);
  const out = new Float32Array(log.numUsers);
  if (audience.length === 0) return out;
  const overlap = new Float32Array(log.numItems);
  for (const user of audience) for (const other of log.userItems[user]!) overlap[other]! += 1;
  overlap[item] = 0;
  const similarity = overlap;
  for (let other = 0; other < log.numItems; other++) {
    if (similarity[other] !== 0) {
      similarity[other] = similarity[other]! / Math.sqrt(audience.length * log.itemUsers[other]!.length);
    }
  }
  for (let user = 0; user < log.numUsers; user++) {
    let sum = 0;
    const history = log.userItems[user]!;
    for (const other of history) sum += similarity[other]!;
    out[user] = history.length === 0 ? 0 : sum / history.length ** historyPower;
  }
  return out;
}

/** The popularity baseline: each user's history length (the most active users first, whatever the item). */
export function activityScores(log: InterestLog): Float32Array {
  return Float32Array.from(log.userItems, (items) => items.length);
}
