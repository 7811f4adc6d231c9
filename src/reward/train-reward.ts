import { type Logger, type Progress, Random, silentLogger, silentProgress } from '../core/index.js';
import {
  add,
  binaryCrossEntropyWithLogits,
  type Module,
  mul,
  noGrad,
  type Tensor,
  tensor,
  tidy,
} from '../tensor/index.js';
import { type SyncTrainerOptions, type TrainingTask, trainSync } from '../training/index.js';
import { batchOfLog, type CandidateBatch, requestSlice } from './candidate-batch.js';
import { engagementLevel, feedbackLevel } from './feedback-level.js';
import { type ImpressionLog, sliceLog } from './impression-log.js';
import type { ItemSide } from './item-side.js';
import { longRunProxies } from './long-run-proxies.js';
import { headPairTargets, levelPairs, type Pairs, pairLoss, predictionPairs } from './pair-loss.js';
import {
  defaultShape,
  type Fusion,
  type FusionArchitecture,
  type RewardConfig,
  RewardModel,
  SignalTower,
} from './reward-model.js';
import { SetFusion } from './set-fusion.js';
import { hateIndex, headNames, numBinary, numHeads } from './signals.js';
import { type SetFusionSettings, setFusionObjectives, trainSetFusion } from './train-set-fusion.js';
import { UncertaintyWeights } from './uncertainty-weights.js';
import { fitWatchTimeScale, watchPercentile } from './watch-time.js';

export type TieBreak = 'none' | 'duration-bucket' | 'play-time';

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
   * duration bucket (default), the play time's percentile over the whole log
   * (longer plays first, whatever the duration), or nothing (`none`: integer
   * levels, ties make no pairs).
   */
  tieBreak?: TieBreak;
  /** Total weight of the consistency losses beside the relative-satisfaction loss (weight 1). Default 0.5. */
  consistencyWeight?: number;
  /** Whether the fusion reads each candidate's duration bucket. Default true. */
  fusionReadsDuration?: boolean;
  /** The order of the relative-satisfaction loss (`satisfactionLevels`). Default `signal-count`. */
  feedback?: FeedbackOrder;
  /** Whether the fusion reads the tower's hidden features besides the head logits and ranks (`in-sample` only; default true there). */
  fusionReadsHidden?: boolean;
  /**
   * What the fusion trains on: out-of-fold head values (`cross-fit`, default;
   * costs `folds` extra tower fits on (folds - 1) / folds of the users) or the
   * heads' in-sample values while they train (`in-sample`, the first version).
   */
  fusionTraining?: 'cross-fit' | 'in-sample';
  /**
   * Consistency pairs with the head's own probability as a soft target (default
   * true), or as certain orders (the first version: the fusion then lowers them
   * by inflating its scale, which makes it overconfident on the noisy level pairs).
   */
  softConsistency?: boolean;
  /** Folds of users when cross-fitting (fold = user index mod folds). Default 4. */
  folds?: number;
  /** Fusion epochs when cross-fitting. Default `epochs`. */
  fusionEpochs?: number;
  /**
   * The fusion: `mlp` (default; per candidate, mean-pooled request context) or
   * `set-transformer` (a transformer over the request's candidates with the
   * long-run proxies and the self-evolving evaluator; cross-fit only).
   */
  architecture?: FusionArchitecture;
  /** The set transformer's shape and inputs. Defaults: 2 layers, 2 heads, head ranks read, list rank not read. */
  setFusion?: Partial<NonNullable<RewardConfig['setFusion']>>;
  /** Base weight of the session-continues objective (set transformer). Default 0.5. */
  continuedWeight?: number;
  /** Fixed weight of the returns-next-day auxiliary loss (set transformer). Default 0.25. */
  returnedWeight?: number;
  /** The self-evolving evaluator (set transformer): every `holdoutEvery`-th request held out (default 10), re-measured every `evaluateEvery` steps (default 25). */
  evaluator?: SetFusionSettings['evaluator'] & { holdoutEvery?: number; evaluateEvery?: number };
  /** Impressions per page, to tell a session's end from a full page (default 10). */
  pageSize?: number;
  seed?: number;
  shape?: Partial<typeof defaultShape>;
  logger?: Logger;
  progress?: Progress;
}

/**
 * Mean losses of one epoch; `weights` are the consistency objectives' shares,
 * one per head. Cross-fitted: the fusion's epoch (its losses on out-of-fold
 * head values) beside the serving tower's head loss of the same epoch number.
 */
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
  /** Names of the objectives whose shares `weights` holds, in order. */
  objectives: string[];
  /** The set transformer's evaluator: each evaluation's agreements and shares. */
  evaluations?: { agreements: number[]; weights: number[] }[];
}

/**
 * Trains the reward model on a log (docs/reward.md). The heads learn their
 * signals by BCE; the fusion learns the pairwise relative-satisfaction loss
 * plus one consistency loss per head, weighted by self-adjusting uncertainty
 * shares. By default (`cross-fit`) the fusion trains on out-of-fold head
 * values: `folds` towers, each fit on the other folds' users, score their own
 * fold; the fusion learns on those values, then a serving tower is fit on
 * every row. Trained on the heads' in-sample values (`in-sample`), the fusion
 * learns to trust heads that have memorised their training rows and is
 * overconfident on new requests (held-out pairwise loss above ln 2).
 */
export function trainReward(
  log: ImpressionLog,
  side: ItemSide,
  options: TrainRewardOptions = {},
): TrainedReward {
  const epochs = options.epochs ?? 4;
  const logger = options.logger ?? silentLogger;
  const progress = options.progress ?? silentProgress;
  const fusionTraining = options.fusionTraining ?? 'cross-fit';
  if (log.size === 0) throw new RangeError('trainReward: the log is empty');
  if (side.numItems < log.numItems)
    throw new RangeError(`trainReward: item side covers ${side.numItems} items, the log ${log.numItems}`);
  if (fusionTraining === 'cross-fit' && options.fusionReadsHidden)
    throw new RangeError(
      "trainReward: a cross-fitted fusion cannot read the tower's hidden features (each fold's tower has its own)",
    );
  const architecture = options.architecture ?? 'mlp';
  if (architecture === 'set-transformer' && fusionTraining !== 'cross-fit')
    throw new RangeError('trainReward: the set-transformer fusion trains on cross-fitted head values only');
  const random = new Random(options.seed ?? 42);
  const config: RewardConfig = {
    numItems: side.numItems,
    numAuthors: side.numAuthors,
    numCategories: side.numCategories,
    ...defaultShape,
    ...options.shape,
    watch: fitWatchTimeScale(log),
    fusionReadsHidden: fusionTraining === 'in-sample' && (options.fusionReadsHidden ?? true),
    fusionReadsDuration: options.fusionReadsDuration ?? true,
    ...(architecture === 'set-transformer' && {
      fusionArchitecture: architecture,
      setFusion: { layers: 2, heads: 2, readsRanks: true, readsListRank: false, ...options.setFusion },
    }),
  };
  const model = new RewardModel(config, random.fork());
  const targets = headTargets(log, config);
  const levels = satisfactionLevels(log, targets, options.tieBreak ?? 'duration-bucket', options.feedback);
  const settings: StepSettings = {
    margin: options.consistencyMargin ?? 0.5,
    softConsistency: options.softConsistency ?? true,
    consistencyWeight: options.consistencyWeight ?? 0.5,
    batchRequests: options.batchRequests ?? 128,
  };
  // Every fit below: the shared trainer at a constant rate (clipping at its default norm 1), one step per block of requests.
  const trainer = (label: string, epochs: number): SyncTrainerOptions => ({
    epochs,
    batchSize: 1,
    lr: options.lr ?? 3e-3,
    schedule: () => 1,
    weightDecay: options.weightDecay ?? 0,
    seed: random.nextUint32(),
    progress,
    label,
  });
  const objectives = headNames.map((name) => `consistency ${name}`);
  const weights = new UncertaintyWeights(objectives.length);
  const batch = batchOfLog(log, config.historyLength);
  const history: RewardEpoch[] = [];
  const report = (record: RewardEpoch, what: string) => {
    history.push(record);
    const head = Number.isFinite(record.headLoss) ? `head BCE ${record.headLoss.toFixed(4)}, ` : '';
    logger.info(
      `reward ${what} epoch ${record.epoch}: ${head}pairwise ${record.pairwiseLoss.toFixed(4)}, consistency ${record.consistencyLoss.toFixed(4)}`,
    );
  };

  const means = new StepMeans();
  if (fusionTraining === 'in-sample') {
    const task = requestBlocks(model, batch, settings, (part, rows) =>
      jointLoss(model, weights, part, side, settings, means, {
        targets: targets.subarray(rows * numHeads, (rows + part.size) * numHeads),
        levels: levels.subarray(rows, rows + part.size),
      }),
    );
    trainSync(task, {
      ...trainer('reward', epochs),
      onEpoch: ({ epoch }) => report({ epoch, ...means.take(), weights: weights.shares() }, 'joint'),
    });
    return { model, epochs: history, objectives };
  }

  // 1. Out-of-fold head values: each fold's rows scored by a tower fit on the other fold's users.
  const outOfFold = new Float32Array(log.size * numHeads);
  const folds = options.folds ?? 4;
  if (!Number.isInteger(folds) || folds < 2)
    throw new RangeError(`trainReward: folds must be an integer >= 2, got ${folds}`);
  for (let fold = 0; fold < folds; fold++) {
    const fit = rowsWhere(log, (user) => user % folds !== fold);
    const held = rowsWhere(log, (user) => user % folds === fold);
    if (fit.length === 0 || held.length === 0) {
      throw new RangeError(
        `trainReward: cross-fitting needs users in each of ${folds} folds (user index mod ${folds})`,
      );
    }
    const tower = new SignalTower(config, random.fork());
    fitTower(
      tower,
      sliceLog(log, fit),
      side,
      config,
      settings,
      trainer(`reward fold ${fold + 1}/${folds}`, epochs),
      logger,
    );
    const heldBatch = batchOfLog(sliceLog(log, held), config.historyLength);
    const logits = towerLogits(tower, heldBatch, side);
    held.forEach((row, k) => {
      outOfFold.set(logits.subarray(k * numHeads, (k + 1) * numHeads), row * numHeads);
    });
  }
  // 2. The fusion on the out-of-fold values.
  let fused: Pick<TrainedReward, 'objectives' | 'evaluations'>;
  if (model.fusion instanceof SetFusion) {
    const offsets = batch.requestOffsets;
    const { epochs: setEpochs, evaluator } = trainSetFusion(
      model.fusion,
      {
        batch,
        side,
        logits: outOfFold,
        levels,
        proxies: longRunProxies(log, offsets, { pageSize: options.pageSize ?? 10 }),
      },
      {
        batchRequests: settings.batchRequests,
        margin: settings.margin,
        consistencyWeight: settings.consistencyWeight,
        continuedWeight: options.continuedWeight ?? 0.5,
        returnedWeight: options.returnedWeight ?? 0.25,
        holdoutEvery: options.evaluator?.holdoutEvery ?? 10,
        evaluateEvery: options.evaluator?.evaluateEvery ?? 25,
        evaluator: options.evaluator ?? {},
      },
      trainer('set fusion', options.fusionEpochs ?? epochs),
    );
    for (const record of setEpochs) {
      report({ ...record, headLoss: Number.NaN }, 'set fusion');
      logger.info(
        `reward set fusion epoch ${record.epoch}: continues ${record.continuedLoss.toFixed(4)}, returns ${record.returnedLoss.toFixed(4)}, weights ${record.weights.map((w) => w.toFixed(3)).join(' ')}`,
      );
    }
    fused = { objectives: setFusionObjectives, evaluations: evaluator.history };
  } else {
    const fusion = model.fusion;
    const fusionTask = requestBlocks(fusion, batch, settings, (part, rows) =>
      fusionLoss(fusion, weights, part, side, settings, means, {
        logits: outOfFold.subarray(rows * numHeads, (rows + part.size) * numHeads),
        levels: levels.subarray(rows, rows + part.size),
      }),
    );
    trainSync(fusionTask, {
      ...trainer('fusion', options.fusionEpochs ?? epochs),
      onEpoch: ({ epoch }) => report({ epoch, ...means.take(), weights: weights.shares() }, 'fusion'),
    });
    fused = { objectives };
  }
  // 3. The serving tower on every row.
  const finalEpochs = fitTower(
    model.tower,
    log,
    side,
    config,
    settings,
    trainer('reward heads', epochs),
    logger,
  );
  finalEpochs.forEach((headLoss, k) => {
    if (history[k]) history[k]!.headLoss = headLoss;
  });
  return { model, epochs: history, ...fused };
}

interface StepSettings {
  margin: number;
  softConsistency: boolean;
  consistencyWeight: number;
  batchRequests: number;
}

interface StepLosses {
  head: number;
  pairwise: number;
  consistency: number;
}

/** Mean losses of the steps since the last `take` (the pairwise mean over steps that had pairs). */
class StepMeans {
  #sums = { head: 0, pairwise: 0, pairSteps: 0, consistency: 0, steps: 0 };

  add(losses: StepLosses): void {
    const sums = this.#sums;
    sums.head += losses.head;
    if (Number.isFinite(losses.pairwise)) {
      sums.pairwise += losses.pairwise;
      sums.pairSteps++;
    }
    sums.consistency += losses.consistency;
    sums.steps++;
  }

  take(): { headLoss: number; pairwiseLoss: number; consistencyLoss: number } {
    const sums = this.#sums;
    this.#sums = { head: 0, pairwise: 0, pairSteps: 0, consistency: 0, steps: 0 };
    return {
      headLoss: sums.head / sums.steps,
      pairwiseLoss: sums.pairSteps > 0 ? sums.pairwise / sums.pairSteps : Number.NaN,
      consistencyLoss: sums.consistency / sums.steps,
    };
  }
}

/**
 * A trainer task over a batch in blocks of whole requests (the pair losses
 * compare candidates of one request): each trainer example is one block of
 * `batchRequests` requests, so the trainer shuffles blocks and steps once per block.
 */
function requestBlocks(
  module: Module,
  batch: CandidateBatch,
  settings: StepSettings,
  loss: (part: CandidateBatch, firstRow: number) => Tensor | undefined,
): TrainingTask {
  const requests = batch.requestOffsets.length - 1;
  return {
    module,
    examples: Math.ceil(requests / settings.batchRequests),
    loss: ([block]) => {
      const from = block! * settings.batchRequests;
      const part = requestSlice(batch, from, Math.min(requests, from + settings.batchRequests));
      return loss(part, batch.requestOffsets[from]!);
    },
  };
}

/** Fits a tower's heads by BCE alone; the mean loss of each epoch. */
function fitTower(
  tower: SignalTower,
  log: ImpressionLog,
  side: ItemSide,
  config: RewardConfig,
  settings: StepSettings,
  trainer: SyncTrainerOptions,
  logger: Logger,
): number[] {
  const batch = batchOfLog(log, config.historyLength);
  const targets = headTargets(log, config);
  const task = requestBlocks(tower, batch, settings, (part, rows) => {
    const { logits } = tower.forward(part, side);
    return binaryCrossEntropyWithLogits(
      logits,
      tensor(targets.subarray(rows * numHeads, (rows + part.size) * numHeads), [part.size, numHeads]),
    );
  });
  const result = trainSync(task, {
    ...trainer,
    onEpoch: ({ epoch, loss }) => logger.info(`${trainer.label} epoch ${epoch}: head BCE ${loss.toFixed(4)}`),
  });
  return result.history.map((record) => record.loss);
}

/** [N, 9] logits of a tower over a batch, without gradient. */
function towerLogits(tower: SignalTower, batch: CandidateBatch, side: ItemSide): Float32Array {
  const out = new Float32Array(batch.size * numHeads);
  const requests = batch.requestOffsets.length - 1;
  for (let from = 0; from < requests; from += 256) {
    const part = requestSlice(batch, from, Math.min(requests, from + 256));
    const start = batch.requestOffsets[from]!;
    noGrad(() =>
      tidy(() => {
        out.set(tower.forward(part, side).logits.data, start * numHeads);
        return [];
      }),
    );
  }
  return out;
}

/** Row indices (ascending) of the users `keep` selects. */
function rowsWhere(log: ImpressionLog, keep: (user: number) => boolean): Int32Array {
  const rows: number[] = [];
  for (let k = 0; k < log.size; k++) if (keep(log.user[k]!)) rows.push(k);
  return Int32Array.from(rows);
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

export type FeedbackOrder = 'signal-count' | 'duration-aware';

/**
 * The order the relative-satisfaction loss learns (docs/reward.md).
 * `signal-count`: the feedback level (hate -1, else the count of positive
 * signals), ties within a level broken by `tieBreak` scaled into [0, 0.9] so it
 * never crosses a level. `duration-aware`: hate -1, else the count of
 * engagement signals plus 0.9 x the watch percentile within the duration bucket
 * (`tieBreak` unused).
 */
export function satisfactionLevels(
  log: ImpressionLog,
  targets: Float32Array,
  tieBreak: TieBreak = 'duration-bucket',
  order: FeedbackOrder = 'signal-count',
): Float32Array {
  const levels = new Float32Array(log.size);
  if (order === 'duration-aware') {
    for (let k = 0; k < log.size; k++) {
      const level = engagementLevel(log.signals, k);
      levels[k] = level < 0 ? level : level + 0.9 * targets[k * numHeads + numBinary]!;
    }
    return levels;
  }
  const playRank = tieBreak === 'play-time' ? percentiles(log.playTimeMs) : undefined;
  for (let k = 0; k < log.size; k++) {
    const level = feedbackLevel(log.signals, k);
    if (tieBreak === 'none') {
      levels[k] = level;
      continue;
    }
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

/**
 * The fusion's losses on one block: relative satisfaction over level pairs,
 * and each head's consistency pairs weighted by its uncertainty share.
 * Returns the total (a tensor) and the parts.
 */
function fusionLosses(
  fused: Tensor,
  predictions: Float32Array,
  offsets: Int32Array,
  levels: Float32Array,
  weights: UncertaintyWeights,
  settings: StepSettings,
): { total: Tensor | undefined; pairwise: number; values: Float64Array } {
  const relative = levelPairs(levels, offsets);
  let total: Tensor | undefined;
  let pairwise = Number.NaN;
  if (relative.winners.length > 0) {
    total = pairLoss(fused, relative);
    pairwise = total.data[0]!;
  }
  const values = new Float64Array(numHeads).fill(Number.NaN);
  for (let head = 0; head < numHeads; head++) {
    const sign = head === hateIndex ? -1 : 1;
    const pairs: Pairs = predictionPairs(predictions, numHeads, head, offsets, {
      margin: settings.margin,
      sign,
    });
    if (pairs.winners.length === 0 || settings.consistencyWeight === 0) continue;
    const targets = settings.softConsistency
      ? headPairTargets(predictions, numHeads, head, pairs, sign)
      : undefined;
    const loss = pairLoss(fused, pairs, targets);
    values[head] = loss.data[0]!;
    const weighted = mul(loss, settings.consistencyWeight * weights.share(head));
    total = total ? add(total, weighted) : weighted;
  }
  return { total, pairwise, values };
}

function meanFinite(values: Float64Array): number {
  let sum = 0;
  let counted = 0;
  for (const value of values) {
    if (Number.isFinite(value)) {
      sum += value;
      counted++;
    }
  }
  return counted > 0 ? sum / counted : 0;
}

/** The fusion's loss on fixed (out-of-fold) head logits; undefined when the block has no pairs. */
function fusionLoss(
  fusion: Fusion,
  weights: UncertaintyWeights,
  batch: CandidateBatch,
  side: ItemSide,
  settings: StepSettings,
  means: StepMeans,
  data: { logits: Float32Array; levels: Float32Array },
): Tensor | undefined {
  const N = batch.size;
  const fused = fusion.forward(
    tensor(data.logits.slice(), [N, numHeads]),
    undefined,
    batch.requestOffsets,
    durationsOf(batch, side),
  );
  const { total, pairwise, values } = fusionLosses(
    fused,
    data.logits,
    batch.requestOffsets,
    data.levels,
    weights,
    settings,
  );
  // The shares are constants of this loss, so they may move before its step.
  weights.update(values);
  means.add({ head: Number.NaN, pairwise, consistency: meanFinite(values) });
  return total;
}

/** The loss of the in-sample variant: heads by BCE, the fusion on their detached values. */
function jointLoss(
  model: RewardModel,
  weights: UncertaintyWeights,
  batch: CandidateBatch,
  side: ItemSide,
  settings: StepSettings,
  means: StepMeans,
  data: { targets: Float32Array; levels: Float32Array },
): Tensor {
  const N = batch.size;
  const { hidden, logits } = model.tower.forward(batch, side);
  const headLoss = binaryCrossEntropyWithLogits(logits, tensor(data.targets, [N, numHeads]));
  // The fusion reads the heads' values without gradient: it learns to weigh them, not to move them.
  const predictions = logits.data.slice();
  const fused = model.fusion.forward(
    tensor(predictions, [N, numHeads]),
    tensor(hidden.data.slice(), hidden.shape),
    batch.requestOffsets,
    durationsOf(batch, side),
  ); // [N, 1]
  const { total, pairwise, values } = fusionLosses(
    fused,
    predictions,
    batch.requestOffsets,
    data.levels,
    weights,
    settings,
  );
  weights.update(values);
  means.add({ head: headLoss.data[0]!, pairwise, consistency: meanFinite(values) });
  return total ? add(headLoss, total) : headLoss;
}

function durationsOf(batch: CandidateBatch, side: ItemSide): Float32Array {
  return Float32Array.from(batch.item, (item) => side.durationMs[item]!);
}
