import type { CandidatePool } from './candidate-pool.js';

/** What every recall source is told about a request. */
export interface RecallQuery {
  /** The user's consumed items (dense indices), oldest first; unknown ids already dropped. */
  history: Int32Array;
  /** The user's taste vector [dim] (unit length), or null when the history has none. */
  userVector: Float32Array | null;
  /** Unix ms of the request. */
  now: number;
}

/**
 * One way of finding candidates (gorse's one-strategy-per-file). `recall` adds
 * at most `quota` new items to the pool, best first, each with a score in
 * [0, 1]; items the pool refuses (blocked or found by an earlier source) do not
 * count towards the quota.
 */
export interface RecallSource {
  readonly name: string;
  recall(query: RecallQuery, quota: number, pool: CandidatePool, sourceIndex: number): void;
}
