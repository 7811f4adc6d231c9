import { InvalidInputError } from '../../core/index.js';

/**
 * A user's position in [0, 1) for an experiment: 32-bit FNV-1a of
 * `experiment:userId` (UTF-16 code units), then murmur3's fmix32 finaliser so
 * that ids differing in their last character (u1, u2, ...) spread over the
 * whole range. The same user lands in the same place on every server and every
 * restart; a different experiment name reshuffles everyone.
 */
export function userPosition(experiment: string, userId: string): number {
  const key = `${experiment}:${userId}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 2 ** 32;
}

/**
 * Buckets of a traffic split (`{ generative: 25, cascade: 75 }`): weights are
 * shares of the total; buckets take consecutive ranges of [0, 1) in name
 * order, so the assignment does not depend on the order the split was written
 * in, and moving share between two buckets moves only the users in between.
 */
export class TrafficSplit {
  readonly buckets: ReadonlyArray<{ name: string; share: number }>;
  readonly #bounds: Float64Array;

  constructor(
    readonly experiment: string,
    split: Readonly<Record<string, number>>,
  ) {
    const where = `experiment "${experiment}"`;
    const entries = Object.entries(split).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (entries.length === 0) throw new InvalidInputError(`${where}: split has no bucket`);
    for (const [name, weight] of entries) {
      if (name.length === 0) throw new InvalidInputError(`${where}: split has a bucket with an empty name`);
      if (!Number.isFinite(weight) || weight < 0)
        throw new InvalidInputError(`${where}: split.${name} must be a finite weight >= 0, got ${weight}`);
    }
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    if (total <= 0) throw new InvalidInputError(`${where}: split weights sum to 0`);
    this.buckets = entries.map(([name, weight]) => ({ name, share: weight / total }));
    this.#bounds = new Float64Array(entries.length);
    let bound = 0;
    this.buckets.forEach(({ share }, i) => {
      bound += share;
      this.#bounds[i] = bound;
    });
    this.#bounds[entries.length - 1] = 1;
  }

  /** The bucket (pipeline name) of a user. */
  bucketOf(userId: string): string {
    const position = userPosition(this.experiment, userId);
    for (let i = 0; i < this.#bounds.length; i++)
      if (position < this.#bounds[i]! && this.buckets[i]!.share > 0) return this.buckets[i]!.name;
    // Only reachable through zero-share buckets at the end: the last one with a share.
    return [...this.buckets].reverse().find(({ share }) => share > 0)!.name;
  }
}
