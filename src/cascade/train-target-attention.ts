import { Random } from '../core/index.js';
import {
  batchOfLog,
  binaryHeads,
  type CandidateBatch,
  fitWatchTimeScale,
  type ImpressionLog,
  numHeads,
  watchPercentile,
} from '../reward/index.js';
import { binaryCrossEntropyWithLogits, tensor } from '../tensor/index.js';
import { trainSync } from '../training/index.js';
import {
  type RankItemSide,
  type TargetAttentionConfig,
  TargetAttentionModel,
} from './target-attention-model.js';

export interface TrainTargetAttentionOptions {
  dim?: number;
  hidden?: number;
  attentionHidden?: number;
  historyLength?: number;
  epochs?: number;
  /** Impressions per batch. */
  batchSize?: number;
  lr?: number;
  /** AdamW decoupled weight decay on the matrices and embeddings (default 0). */
  weightDecay?: number;
  seed?: number;
}

export interface TrainedTargetAttention {
  model: TargetAttentionModel;
  /** Mean binary cross-entropy over the nine heads, per epoch. */
  losses: number[];
}

/**
 * Fits the target-attention ranker's heads on logged impressions: binary
 * cross-entropy on the eight signals and on the duration-aware watch
 * percentile (a soft target in [0, 1], as the reward model's watch head). A
 * row's history is the user's valid plays logged before its request
 * (`batchOfLog`), what the server knows when it ranks.
 */
export function trainTargetAttention(
  log: ImpressionLog,
  side: RankItemSide & { numAuthors: number; numCategories: number },
  options: TrainTargetAttentionOptions = {},
): TrainedTargetAttention {
  const config: TargetAttentionConfig = {
    numItems: log.numItems,
    numAuthors: side.numAuthors,
    numCategories: side.numCategories,
    dim: options.dim ?? 16,
    hidden: options.hidden ?? 64,
    attentionHidden: options.attentionHidden ?? 32,
    historyLength: options.historyLength ?? 20,
  };
  const model = new TargetAttentionModel(config, new Random(options.seed ?? 9));
  const all = batchOfLog(log, config.historyLength);
  const targets = impressionTargets(log);
  const losses: number[] = [];
  trainSync(
    {
      module: model,
      examples: log.size,
      loss(rows) {
        const batch = gatherRows(all, rows);
        const target = new Float32Array(rows.length * numHeads); // [N, 9]
        rows.forEach((row, n) => {
          target.set(targets.subarray(row * numHeads, (row + 1) * numHeads), n * numHeads);
        });
        return binaryCrossEntropyWithLogits(
          model.forward(batch, side),
          tensor(target, [rows.length, numHeads]),
        );
      },
    },
    {
      epochs: options.epochs ?? 3,
      batchSize: options.batchSize ?? 512,
      lr: options.lr ?? 3e-3,
      weightDecay: options.weightDecay ?? 0,
      schedule: () => 1,
      seed: options.seed ?? 9,
      onEpoch: ({ loss }) => losses.push(loss),
    },
  );
  return { model, losses };
}

/** [size, 9] head targets in `headNames` order: the eight signals, then the watch percentile. */
export function impressionTargets(log: ImpressionLog): Float32Array {
  const scale = fitWatchTimeScale(log);
  const B = binaryHeads.length;
  const out = new Float32Array(log.size * numHeads);
  for (let k = 0; k < log.size; k++) {
    for (let s = 0; s < B; s++) out[k * numHeads + s] = log.signals[k * B + s]!;
    out[k * numHeads + B] = watchPercentile(scale, log.durationMs[k]!, log.playTimeMs[k]!);
  }
  return out;
}

/** The rows `rows` of a batch as a batch of their own (one request per row: the model does not read requests). */
export function gatherRows(batch: CandidateBatch, rows: ArrayLike<number>): CandidateBatch {
  const N = rows.length;
  const K = batch.historyLength;
  const out: CandidateBatch = {
    size: N,
    historyLength: K,
    user: new Int32Array(N),
    item: new Int32Array(N),
    hour: new Int32Array(N),
    position: new Int32Array(N),
    history: new Int32Array(N * K),
    historyMask: new Float32Array(N * K),
    requestOffsets: Int32Array.from({ length: N + 1 }, (_, k) => k),
  };
  for (let n = 0; n < N; n++) {
    const row = rows[n]!;
    out.user[n] = batch.user[row]!;
    out.item[n] = batch.item[row]!;
    out.hour[n] = batch.hour[row]!;
    out.position[n] = batch.position[row]!;
    out.history.set(batch.history.subarray(row * K, (row + 1) * K), n * K);
    out.historyMask.set(batch.historyMask.subarray(row * K, (row + 1) * K), n * K);
  }
  return out;
}
