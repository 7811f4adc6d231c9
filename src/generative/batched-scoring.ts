import type { EvalPhase, Recommender } from '../eval/index.js';

/** Scores many histories at once: `scores` is [histories.length, numItems], row-major. */
export type BatchScorer = (histories: readonly Int32Array[], scores: Float32Array) => void;

export interface PhaseScorerOptions {
  /** Users scored per batched call. Default 256. */
  batchSize?: number;
}

/**
 * A Recommender for one known phase that scores its users in batches:
 * `evaluatePhase` asks user by user, in index order, and this answers from a
 * block computed for the next `batchSize` evaluated users in one call (one
 * forward pass instead of hundreds). A history that is not the phase's own
 * array for that user is scored alone, so answers never depend on the cache.
 */
export function phaseScorer(
  scoreBatch: BatchScorer,
  phase: EvalPhase,
  numItems: number,
  options: PhaseScorerOptions = {},
): Recommender {
  const batchSize = options.batchSize ?? 256;
  const block = new Float32Array(batchSize * numItems);
  const rowOf = new Map<number, number>();
  const single = new Float32Array(numItems);

  const fill = (from: number): void => {
    rowOf.clear();
    const users: number[] = [];
    for (let user = from; user < phase.targets.length && users.length < batchSize; user++) {
      if (phase.targets[user]!.length > 0 && phase.history[user]!.length > 0) users.push(user);
    }
    const histories = users.map((user) => phase.history[user]!);
    scoreBatch(histories, block.subarray(0, users.length * numItems));
    for (const [row, user] of users.entries()) rowOf.set(user, row);
  };

  return {
    fit() {
      throw new Error('phaseScorer: scores an already trained model; it cannot be fit');
    },
    score(user, history, scores) {
      if (history !== phase.history[user] || history.length === 0) {
        scoreBatch([history], single);
        scores.set(single);
        return;
      }
      if (!rowOf.has(user)) fill(user);
      const row = rowOf.get(user)!;
      scores.set(block.subarray(row * numItems, (row + 1) * numItems));
    },
  };
}
