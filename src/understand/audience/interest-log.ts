/**
 * Who showed interest in what: per user the items they liked and per item the
 * users who liked it, dense indices, each list sorted and without repeats.
 */
export interface InterestLog {
  numUsers: number;
  numItems: number;
  userItems: Int32Array[];
  itemUsers: Int32Array[];
}

/** Builds an `InterestLog` from (user, item) pairs; repeats collapse to one. */
export function interestLog(
  numUsers: number,
  numItems: number,
  pairs: Iterable<readonly [user: number, item: number]>,
): InterestLog {
  const byUser: Set<number>[] = Array.from({ length: numUsers }, () => new Set());
  for (const [user, item] of pairs) {
    if (!(user >= 0 && user < numUsers)) throw new RangeError(`user ${user} is outside 0..${numUsers - 1}`);
    if (!(item >= 0 && item < numItems)) throw new RangeError(`item ${item} is outside 0..${numItems - 1}`);
    byUser[user]!.add(item);
  }
  const userItems = byUser.map((items) => Int32Array.from(items).sort());
  const counts = new Int32Array(numItems);
  for (const items of userItems) for (const item of items) counts[item]!++;
  const itemUsers = Array.from(counts, (count) => new Int32Array(count));
  const filled = new Int32Array(numItems);
  userItems.forEach((items, user) => {
    for (const item of items) itemUsers[item]![filled[item]!++] = user;
  });
  return { numUsers, numItems, userItems, itemUsers };
}
