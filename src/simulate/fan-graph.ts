/**
 * Creator-fan links made by simulated follows, and when each user watches
 * (impressions per hour of day), so a creator can ask when their fans watch.
 */
export class FanGraph {
  readonly #following: Array<Set<number> | undefined>;
  readonly #fans = new Map<number, Set<number>>();
  /** [users, 24] impressions by hour of day. */
  readonly #hours: Float64Array;

  constructor(numUsers: number) {
    this.#following = new Array(numUsers);
    this.#hours = new Float64Array(numUsers * 24);
  }

  follow(user: number, author: number): void {
    let authors = this.#following[user];
    if (!authors) {
      authors = new Set();
      this.#following[user] = authors;
    }
    authors.add(author);
    let fans = this.#fans.get(author);
    if (!fans) {
      fans = new Set();
      this.#fans.set(author, fans);
    }
    fans.add(user);
  }

  isFollowing(user: number, author: number): boolean {
    return this.#following[user]?.has(author) ?? false;
  }

  recordWatch(user: number, hour: number): void {
    this.#hours[user * 24 + hour]!++;
  }

  /** Users following `author` (dense indices, ascending). */
  fansOf(author: number): number[] {
    return [...(this.#fans.get(author) ?? [])].sort((a, b) => a - b);
  }

  /** Authors with at least one fan. */
  authors(): number[] {
    return [...this.#fans.keys()].sort((a, b) => a - b);
  }

  /** Number of follow links. */
  get links(): number {
    let total = 0;
    for (const fans of this.#fans.values()) total += fans.size;
    return total;
  }

  /** When the fans of `author` watch: impressions per hour of day (24 values) summed over fans. */
  fanHours(author: number): Float64Array {
    const hours = new Float64Array(24);
    for (const fan of this.#fans.get(author) ?? []) {
      for (let hour = 0; hour < 24; hour++) hours[hour]! += this.#hours[fan * 24 + hour]!;
    }
    return hours;
  }

  clone(): FanGraph {
    const copy = new FanGraph(this.#following.length);
    this.#following.forEach((authors, user) => {
      for (const author of authors ?? []) copy.follow(user, author);
    });
    copy.#hours.set(this.#hours);
    return copy;
  }
}
