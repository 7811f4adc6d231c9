import type { CandidatePool } from './candidate-pool.js';
import type { RecallQuery, RecallSource } from './recall-source.js';

/**
 * The newest uploads, newest first, so new items get impressions before anyone
 * has consumed them (they have no neighbours and no embedding yet). Score =
 * 2^(-age / halfLife), age clamped at 0; items without an upload time are never fresh.
 */
export class FreshRecall implements RecallSource {
  readonly name = 'fresh';
  readonly order: Int32Array;

  constructor(
    readonly uploadedAt: Float64Array,
    readonly halfLifeMs = 24 * 3_600_000,
  ) {
    this.order = Int32Array.from(uploadedAt.keys())
      .filter((item) => !Number.isNaN(uploadedAt[item]!))
      .sort((a, b) => uploadedAt[b]! - uploadedAt[a]! || a - b);
  }

  /** 2^(-age / halfLife) of `item` at `now`; 0 without an upload time. */
  freshness(item: number, now: number): number {
    const uploaded = this.uploadedAt[item]!;
    return Number.isNaN(uploaded) ? 0 : 2 ** (-Math.max(0, now - uploaded) / this.halfLifeMs);
  }

  recall(query: RecallQuery, quota: number, pool: CandidatePool, sourceIndex: number): void {
    let added = 0;
    for (let k = 0; k < this.order.length && added < quota; k++) {
      const item = this.order[k]!;
      if (pool.add(item, sourceIndex, this.freshness(item, query.now))) added++;
    }
  }
}
