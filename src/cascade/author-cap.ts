/**
 * Picks up to `n` positions of a ranked list (best first) with at most `cap`
 * items per author (`cap` 0 = no cap; author -1 = unknown, never capped). When
 * the cap would leave the feed short, the capped items fill the tail in rank
 * order: a full feed matters more than diversity at its end.
 */
export function capPerAuthor(
  ranked: ArrayLike<number>,
  authorOf: (item: number) => number,
  cap: number,
  n: number,
): number[] {
  const picked: number[] = [];
  if (cap <= 0) {
    for (let k = 0; k < ranked.length && picked.length < n; k++) picked.push(k);
    return picked;
  }
  const perAuthor = new Map<number, number>();
  const skipped: number[] = [];
  for (let k = 0; k < ranked.length && picked.length < n; k++) {
    const author = authorOf(ranked[k]!);
    if (author < 0) {
      picked.push(k);
      continue;
    }
    const count = perAuthor.get(author) ?? 0;
    if (count < cap) {
      perAuthor.set(author, count + 1);
      picked.push(k);
    } else skipped.push(k);
  }
  for (const k of skipped) {
    if (picked.length >= n) break;
    picked.push(k);
  }
  return picked;
}
