import type { AnnIndex } from './ann-index.js';
import type { CandidatePool } from './candidate-pool.js';
import type { RecallQuery, RecallSource } from './recall-source.js';

/**
 * Embedding recall: the items nearest the user's taste vector by inner product,
 * found in the HNSW index. Blocked and already-recalled items are filtered
 * inside the graph search, so the quota fills with new items.
 */
export class AnnRecall implements RecallSource {
  readonly name = 'ann';

  constructor(readonly index: AnnIndex) {}

  recall(query: RecallQuery, quota: number, pool: CandidatePool, sourceIndex: number): void {
    if (query.userVector === null || quota <= 0) return;
    const found = this.index.search(query.userVector, quota, (item) => pool.accepts(item));
    // Cosine similarities in [-1, 1] mapped to [0, 1].
    for (let k = 0; k < found.items.length; k++) {
      pool.add(found.items[k]!, sourceIndex, (1 + found.similarities[k]!) / 2);
    }
  }
}
