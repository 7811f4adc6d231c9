import { Random } from '../core/index.js';
import type { CandidateBatch } from './candidate-batch.js';
import { formulaScores } from './fixed-formula.js';
import type { ImpressionLog } from './impression-log.js';
import type { ItemSide } from './item-side.js';
import { auc, gauc, meanNdcg } from './ranking-metrics.js';
import type { RewardModel } from './reward-model.js';
import { scoreCandidates } from './score-candidates.js';
import { binaryHeads, headNames, numBinary, numHeads } from './signals.js';

export interface SignalQuality {
  signal: string;
  positives: number;
  auc: number;
  gauc: number;
}

export interface RankingQuality {
  /** Requests (groups) with at least two rows. */
  requests: number;
  fused: number;
  formula: number;
  /** A seeded random order: the floor (satisfaction gains are all positive, so it is high). */
  random: number;
}

/** Per-signal AUC and GAUC of the heads on a held-out log. */
export function signalQuality(
  model: RewardModel,
  log: ImpressionLog,
  batch: CandidateBatch,
  side: ItemSide,
): SignalQuality[] {
  const { predictions } = scoreCandidates(model, batch, side);
  return binaryHeads.map((signal, s) => {
    const scores = new Float32Array(log.size);
    const labels = new Uint8Array(log.size);
    let positives = 0;
    for (let k = 0; k < log.size; k++) {
      scores[k] = predictions[k * numHeads + s]!;
      labels[k] = log.signals[k * numBinary + s]!;
      positives += labels[k]!;
    }
    return { signal, positives, auc: auc(scores, labels), gauc: gauc(scores, labels, log.user) };
  });
}

/**
 * Mean NDCG per request of the fused score and of the fixed formula against
 * graded gains (the simulator's hidden satisfaction: never a training signal).
 */
export function rankingQuality(
  model: RewardModel,
  batch: CandidateBatch,
  side: ItemSide,
  gains: ArrayLike<number>,
): RankingQuality {
  const { predictions, fused } = scoreCandidates(model, batch, side);
  const formula = formulaScores(predictions, headNames);
  let requests = 0;
  for (let r = 0; r + 1 < batch.requestOffsets.length; r++) {
    if (batch.requestOffsets[r + 1]! - batch.requestOffsets[r]! >= 2) requests++;
  }
  const random = new Random(7);
  const shuffled = Float32Array.from(fused, () => random.next());
  return {
    requests,
    fused: meanNdcg(fused, gains, batch.requestOffsets),
    formula: meanNdcg(formula, gains, batch.requestOffsets),
    random: meanNdcg(shuffled, gains, batch.requestOffsets),
  };
}
