import type { CandidatePool } from './candidate-pool.js';
import type { RecallQuery, RecallSource } from './recall-source.js';

/**
 * How many users consumed each item among their last `window` interactions:
 * popularity over a recent window of each user's activity (the sequences carry
 * no timestamps, so "recent" is counted in interactions, not days).
 */
export function recentCounts(
  sequences: readonly Int32Array[],
  numItems: number,
  window: number,
): Float32Array {
  const counts = new Float32Array(numItems);
  const lastUser = new Int32Array(numItems).fill(-1);
  sequences.forEach((sequence, user) => {
    for (let k = Math.max(0, sequence.length - window); k < sequence.length; k++) {
      const item = sequence[k]!;
      if (lastUser[item] !== user) {
        lastUser[item] = user;
        counts[item]!++;
      }
    }
  });
  return counts;
}

/** Most popular items first (ties by index); items nobody consumed are left out. */
export function popularOrder(counts: Float32Array): Int32Array {
  const order = Int32Array.from(counts.keys()).filter((item) => counts[item]! > 0);
  return order.sort((a, b) => counts[b]! - counts[a]! || a - b);
}

/** Non-personal recall: the most consumed items of the recent window, score = count / top count. */
export class PopularRecall implements RecallSource {
  readonly name = 'popular';
  readonly order: Int32Array;
  /** [items] ln(1 + count) / ln(1 + top count): the pre-rank's popularity feature. */
  readonly shares: Float32Array;

  constructor(readonly counts: Float32Array) {
    this.order = popularOrder(counts);
    const top = this.order.length > 0 ? counts[this.order[0]!]! : 0;
    this.shares = counts.map((count) => (top > 0 ? Math.log1p(count) / Math.log1p(top) : 0));
  }

  recall(_query: RecallQuery, quota: number, pool: CandidatePool, sourceIndex: number): void {
    const top = this.order.length > 0 ? this.counts[this.order[0]!]! : 1;
    let added = 0;
    for (let k = 0; k < this.order.length && added < quota; k++) {
      const item = this.order[k]!;
      if (pool.add(item, sourceIndex, this.counts[item]! / top)) added++;
    }
  }
}
