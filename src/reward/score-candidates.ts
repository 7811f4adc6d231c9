import { noGrad, sigmoid, tidy } from '../tensor/index.js';
import { type CandidateBatch, requestSlice } from './candidate-batch.js';
import type { ItemSide } from './item-side.js';
import type { RewardModel } from './reward-model.js';
import { userFeatures } from './set-fusion.js';
import { numHeads } from './signals.js';

/** What the reward model says of each candidate. */
export interface RewardScores {
  /** [N, 9] predicted probability of each signal (the last: expected watch percentile). */
  predictions: Float32Array;
  /** [N] the fused satisfaction score (a logit; only its order within a request means something). */
  fused: Float32Array;
}

/** Scores a batch without gradient, `requestsPerChunk` requests at a time. */
export function scoreCandidates(
  model: RewardModel,
  batch: CandidateBatch,
  side: ItemSide,
  requestsPerChunk = 256,
): RewardScores {
  const predictions = new Float32Array(batch.size * numHeads);
  const fused = new Float32Array(batch.size);
  const requests = batch.requestOffsets.length - 1;
  for (let from = 0; from < requests; from += requestsPerChunk) {
    const part = requestSlice(batch, from, Math.min(requests, from + requestsPerChunk));
    const start = batch.requestOffsets[from]!;
    noGrad(() =>
      tidy(() => {
        const { hidden, logits } = model.tower.forward(part, side);
        const durations = Float32Array.from(part.item, (item) => side.durationMs[item]!);
        const score = model.fusion.forward(
          logits,
          hidden,
          part.requestOffsets,
          durations,
          userFeatures(part),
        );
        predictions.set(sigmoid(logits).data, start * numHeads);
        fused.set(score.data, start);
        return [];
      }),
    );
  }
  return { predictions, fused };
}
