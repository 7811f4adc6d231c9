import { type Logger, type Progress, Random, silentLogger, silentProgress } from '../core/index.js';
import {
  AdamW,
  add,
  backward,
  binaryCrossEntropyWithLogits,
  clipGradNorm,
  mul,
  type Tensor,
  tensor,
} from '../tensor/index.js';
import { batchOfLog, type CandidateBatch, requestSlice } from './candidate-batch.js';
import { feedbackLevel } from './feedback-level.js';
import type { ImpressionLog } from './impression-log.js';
import type { ItemSide } from './item-side.js';
import { levelPairs, type Pairs, pairLoss, predictionPairs } from './pair-loss.js';
import { defaultShape, type RewardConfig, RewardModel } from './reward-model.js';
import { hateIndex, headNames, numBinary, numHeads } from './signals.js';
import { UncertaintyWeights } from './uncertainty-weights.js';
import { fitWatchTimeScale, watchPercentile } from './watch-time.js';

export type TieBreak = 'duration-bucket' | 'play-time';

export interface TrainRewardOptions {
  epochs?: number;
  /** Requests per step. Default 128. */
  batchRequests?: number;
  lr?: number;
  weightDecay?: number;
  /** Logit gap above which a head "separates" a pair for its consistency loss. Default 0.5. */
  consistencyMargin?: number;
  /**
   * What breaks ties within a feedback level: the watch percentile within the
   * duration bucket (default), or the play time's percentile over the whole log
   * (longer plays first, whatever the duration).
   */
  tieBreak?: TieBreak;
  /** Total weight of the consistency losses beside the relative-satisfaction loss (weight 1). Default 0.5. */
  consistencyWeight?: number;
  seed?: number;
  shape?: Partial<typeof defaultShape>;
  logger?: Logger;
  progress?: Progress;
}

/** Mean losses of one epoch; `weights` are the consistency objectives' shares, one per head. */
export interface RewardEpoch {
  epoch: number;
  headLoss: number;
  pairwiseLoss: number;
  consistencyLoss: number;
  weights: number[];
}

export interface TrainedReward {
  model: RewardModel;
  epochs: RewardEpoch[];
  /** Names of the consistency objectives, in `weights` order. */
  objectives: string[];
}

/**
 * Trains the reward model on a log (docs/reward.md): each step takes a block of
 * whole requests, fits the heads by BCE on their signals and the fusion by the
 * pairwise relative-satisfaction loss plus one consistency loss per head,
 * the consistency losses weighted by self-adjusting uncertainty shares.
 */
export function trainReward(
  log: ImpressionLog,
  side: ItemSide,
  options: TrainRewardOptions = {},
): TrainedReward {
  const epochs = options.epochs ?? 4;
  const batchRequests = options.batchRequests ?? 128;
  const margin = options.consistencyMargin ?? 0.5;
  const logger = options.logger ?? silentLogger;
  const progress = options.progress ?? silentProgress;
  if (log.size === 0) throw new RangeError('trainReward: the log is empty');
  if (side.numItems < log.numItems)
    throw new RangeError(`trainReward: item side covers ${side.numItems} items, the log ${log.numItems}`);
  const random = new Random(options.seed ?? 42);
  const config: RewardConfig = {
    numItems: side.numItems,
    numAuthors: side.numAuthors,
    numCategories: side.numCategories,
    ...defaultShape,
    ...options.shape,
    watch: fitWatchTimeScale(log),
  };
  const model = new RewardModel(config, random.fork());
  const optimizer = new AdamW(model.parameters(), {
    lr: options.lr ?? 3e-3,
    weightDecay: options.weightDecay ?? 0,
  });
  const batch = batchOfLog(log, config.historyLength);
  const targets = headTargets(log, config);
  const levels = satisfactionLevels(log, targets, options.tieBreak ?? 'duration-bucket');
  const requests = batch.requestOffsets.length - 1;
  const blocks = Math.ceil(requests / batchRequests);
  const objectives = headNames.map((name) => `consistency ${name}`);
  const weights = new UncertaintyWeights(objectives.length);
  const history: RewardEpoch[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const order = random.shuffle([...Array(blocks).keys()]);
    const sums = { head: 0, pairwise: 0, consistency: 0, steps: 0 };
    progress.start(`reward epoch ${epoch}/${epochs}`, blocks);
    for (const [step, block] of order.entries()) {
      const from = block * batchRequests;
      const part = requestSlice(batch, from, Math.min(requests, from + batchRequests));
      const rows = batch.requestOffsets[from]!;
      const losses = trainStep(model, optimizer, weights, part, side, {
        targets: targets.subarray(rows * numHeads, (rows + part.size) * numHeads),
        levels: levels.subarray(rows, rows + part.size),
        margin,
        consistencyWeight: options.consistencyWeight ?? 0.5,
      });
      sums.head += losses.head;
      sums.pairwise += losses.pairwise;
      sums.consistency += losses.consistency;
      sums.steps++;
      if (step % 20 === 0) progress.update(step + 1, { loss: losses.head.toFixed(4) });
    }
    progress.stop();
    const record: RewardEpoch = {
      epoch,
      headLoss: sums.head / sums.steps,
      pairwiseLoss: sums.pairwise / sums.steps,
      consistencyLoss: sums.consistency / sums.steps,
      weights: weights.shares(),
    };
    history.push(record);
    logger.info(
      `reward epoch ${epoch}: head BCE ${record.headLoss.toFixed(4)}, pairwise ${record.pairwiseLoss.toFixed(4)}, consistency ${record.consistencyLoss.toFixed(4)}`,
    );
  }
  return { model, epochs: history, objectives };
}

/** [N, 9] targets: the eight signals, then the watch percentile within the duration bucket. */
export function headTargets(log: ImpressionLog, config: RewardConfig): Float32Array {
  const out = new Float32Array(log.size * numHeads);
  for (let k = 0; k < log.size; k++) {
    for (let s = 0; s < numBinary; s++) out[k * numHeads + s] = log.signals[k * numBinary + s]!;
    out[k * numHeads + numBinary] = watchPercentile(config.watch, log.durationMs[k]!, log.playTimeMs[k]!);
  }
  return out;
}

/**
 * The order the relative-satisfaction loss learns (docs/reward.md): the feedback
 * level (hate -1, else the count of positive signals), ties within a level
 * broken by the duration-aware watch percentile (scaled into [0, 0.9], so it
 * never crosses a level).
 */
export function satisfactionLevels(
  log: ImpressionLog,
  targets: Float32Array,
  tieBreak: TieBreak = 'duration-bucket',
): Float32Array {
  const playRank = tieBreak === 'play-time' ? percentiles(log.playTimeMs) : undefined;
  const levels = new Float32Array(log.size);
  for (let k = 0; k < log.size; k++) {
    const level = feedbackLevel(log.signals, k);
    const within = playRank ? playRank[k]! : targets[k * numHeads + numBinary]!;
    levels[k] = level < 0 ? level : level + 0.9 * within;
  }
  return levels;
}

/** Each value's rank among all, as a fraction in [0, 1]. */
function percentiles(values: Float32Array): Float32Array {
  const order = Int32Array.from(values.keys()).sort((a, b) => values[a]! - values[b]!);
  const out = new Float32Array(values.length);
  order.forEach((row, rank) => {
    out[row] = rank / Math.max(1, values.length - 1);
  });
  return out;
}

function trainStep(
  model: RewardModel,
  optimizer: AdamW,
  weights: UncertaintyWeights,
  batch: CandidateBatch,
  side: ItemSide,
  data: { targets: Float32Array; levels: Float32Array; margin: number; consistencyWeight: number },
): { head: number; pairwise: number; consistency: number } {
  const N = batch.size;
  const offsets = batch.requestOffsets;
  const { hidden, logits } = model.tower.forward(batch, side);
  const headLoss = binaryCrossEntropyWithLogits(logits, tensor(data.targets, [N, numHeads]));
  // The fusion reads the heads' values without gradient: it learns to weigh them, not to move them.
  const predictions = logits.data.slice();
  const fused = model.fusion.forward(
    tensor(predictions, [N, numHeads]),
    tensor(hidden.data.slice(), hidden.shape),
    offsets,
  ); // [N, 1]
  const relative = levelPairs(data.levels, offsets);
  const consistencyPairs: Pairs[] = headNames.map((_, head) =>
    predictionPairs(predictions, numHeads, head, offsets, {
      margin: data.margin,
      sign: head === hateIndex ? -1 : 1,
    }),
  );
  let total: Tensor = headLoss;
  let pairwise = Number.NaN;
  if (relative.winners.length > 0) {
    const loss = pairLoss(fused, relative);
    pairwise = loss.data[0]!;
    total = add(total, loss);
  }
  const values = new Float64Array(consistencyPairs.length).fill(Number.NaN);
  consistencyPairs.forEach((pairs, k) => {
    if (pairs.winners.length === 0) return;
    const loss = pairLoss(fused, pairs);
    values[k] = loss.data[0]!;
    total = add(total, mul(loss, data.consistencyWeight * weights.share(k)));
  });
  const head = headLoss.data[0]!;
  optimizer.zeroGrad();
  backward(total);
  clipGradNorm(model.parameters(), 1);
  optimizer.step();
  weights.update(values);
  let consistency = 0;
  let counted = 0;
  for (const value of values) {
    if (Number.isFinite(value)) {
      consistency += value;
      counted++;
    }
  }
  return { head, pairwise, consistency: counted > 0 ? consistency / counted : 0 };
}
