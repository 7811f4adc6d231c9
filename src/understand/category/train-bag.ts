import type { Random } from '../../core/index.js';
import {
  add,
  crossEntropy,
  intTensor,
  logSoftmax,
  type Module,
  noGrad,
  type Tensor,
  tensor,
  tidy,
} from '../../tensor/index.js';
import { trainSync } from '../../training/index.js';
import type { BagModel } from './bag-models.js';
import { type SparseRow, sparseBatch } from './sparse-rows.js';

/** Target of an example that has no label for a head (skipped by the loss). */
export const NO_TARGET = -100;

export interface BagTrainOptions {
  /** Passes over the rows; default 10. */
  epochs?: number;
  /** Default 64. */
  batchSize?: number;
  /** Peak AdamW learning rate, decayed linearly to 0 as fastText does; default 0.01. */
  lr?: number;
  /** Decoupled weight decay on matrices; default 0. */
  weightDecay?: number;
  /** Each feature of a row is dropped with this probability per epoch (then reweighted); default 0. */
  featureDropout?: number;
  /**
   * Per head, added to the logits during training only: tau * log(class prior).
   * The logit-adjusted loss of Menon et al. 2021 ("Long-tail learning via logit
   * adjustment"): the model then fits the balanced error, which is what macro
   * averages reward, without any reweighting of examples.
   */
  logitAdjustment?: readonly (Float32Array | undefined)[];
  seed?: number;
  /**
   * Stop after this many epochs while keeping the learning-rate schedule of
   * `epochs`: reproduces exactly the model a validation run scored at that epoch.
   */
  stopAfterEpoch?: number;
  /** Called after every epoch (1-based), e.g. to score a validation set. */
  onEpoch?: (epoch: number) => void;
}

/** Trains a bag model with softmax cross-entropy summed over its heads. targets[head][example]. */
export function trainBag(
  model: BagModel & Module,
  rows: readonly SparseRow[],
  targets: readonly Int32Array[],
  options: BagTrainOptions = {},
): void {
  for (const [head, column] of targets.entries()) {
    if (column.length !== rows.length)
      throw new RangeError(`trainBag: head ${head} has ${column.length} targets for ${rows.length} rows`);
  }
  const epochs = options.epochs ?? 10;
  const dropout = options.featureDropout ?? 0;
  const adjustments = (options.logitAdjustment ?? []).map((bias) =>
    bias === undefined ? undefined : tensor(bias),
  );
  const loss = (picked: Int32Array, random: Random): Tensor =>
    tidy(() => {
      const batch = sparseBatch(
        Array.from(picked, (i) => (dropout > 0 ? dropFeatures(rows[i]!, dropout, random) : rows[i]!)),
      );
      const heads = model.logits(batch.ids, batch.weights);
      let total: Tensor | undefined;
      heads.forEach((logits, head) => {
        const adjustment = adjustments[head];
        const shifted = adjustment === undefined ? logits : add(logits, adjustment);
        const headTargets = intTensor(Array.from(picked, (i) => targets[head]![i]!));
        const headLoss = crossEntropy(shifted, headTargets, { ignoreIndex: NO_TARGET });
        total = total === undefined ? headLoss : add(total, headLoss);
      });
      return total!;
    });
  trainSync(
    { module: model, examples: rows.length, loss },
    {
      epochs: Math.min(epochs, options.stopAfterEpoch ?? epochs),
      scheduleEpochs: epochs,
      batchSize: options.batchSize ?? 64,
      lr: options.lr ?? 0.01,
      // fastText's linear decay to 0, floored so the last steps still move.
      schedule: (step, totalSteps) => Math.max(0.02, 1 - step / totalSteps),
      weightDecay: options.weightDecay ?? 0,
      clipNorm: 0,
      seed: options.seed ?? 42,
      onEpoch: (record) => options.onEpoch?.(record.epoch),
    },
  );
}

function dropFeatures(row: SparseRow, probability: number, random: Random): SparseRow {
  const ids: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < row.ids.length; i++) {
    if (random.next() < probability) continue;
    ids.push(row.ids[i]!);
    weights.push(row.weights[i]!);
  }
  if (ids.length === 0) return row;
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const kept = row.weights.reduce((sum, weight) => sum + weight, 0);
  return {
    ids: Int32Array.from(ids),
    weights: Float32Array.from(weights, (weight) => (weight * kept) / total),
  };
}

/** Per head, log-probabilities of every row, [N * C_k] row-major. */
export function bagLogProbabilities(
  model: BagModel,
  rows: readonly SparseRow[],
  batchSize = 256,
): Float32Array[] {
  const out: Float32Array[] = [];
  for (let start = 0; start < rows.length; start += batchSize) {
    const batch = sparseBatch(rows.slice(start, start + batchSize));
    const heads = noGrad(() =>
      tidy(() => model.logits(batch.ids, batch.weights).map((logits) => logSoftmax(logits))),
    );
    heads.forEach((logProbabilities, head) => {
      const classes = logProbabilities.shape[1]!;
      out[head] ??= new Float32Array(rows.length * classes);
      out[head].set(logProbabilities.data, start * classes);
    });
  }
  return out;
}
