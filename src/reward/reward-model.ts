import type { Random } from '../core/index.js';
import {
  concat,
  Embedding,
  type IntTensor,
  intTensor,
  isGradEnabled,
  Linear,
  Module,
  matmul,
  mul,
  reshape,
  sum,
  type Tensor,
  tensor,
} from '../tensor/index.js';
import type { CandidateBatch } from './candidate-batch.js';
import type { ItemSide } from './item-side.js';
import { normalisedRanks } from './normalised-ranks.js';
import { SetFusion } from './set-fusion.js';
import { numHeads } from './signals.js';
import { durationBucket, type WatchTimeScale } from './watch-time.js';

/** Everything that fixes the shapes of a reward model; stored in its checkpoint. */
export interface RewardConfig {
  numItems: number;
  numAuthors: number;
  numCategories: number;
  /** Embedding width. */
  dim: number;
  /** Width of the signal tower's hidden layers. */
  hidden: number;
  /** Width of the fusion network. */
  fusionHidden: number;
  /** Recent valid plays read from the user's history. */
  historyLength: number;
  /** Positions with an embedding of their own; later ones share the last. */
  positions: number;
  watch: WatchTimeScale;
  /**
   * Whether the fusion also reads the tower's hidden features beside the head
   * logits and their ranks. Absent (checkpoints written before the option) = true.
   */
  fusionReadsHidden?: boolean;
  /**
   * Whether the fusion reads each candidate's duration bucket (one-hot), so it
   * can weigh a head differently for short and long videos. Absent = false.
   */
  fusionReadsDuration?: boolean;
  /**
   * The fusion's architecture: the per-candidate MLP with a mean-pooled request
   * context (`mlp`, absent in checkpoints written before the option) or the
   * transformer over the request's candidates (`set-transformer`, `SetFusion`).
   */
  fusionArchitecture?: FusionArchitecture;
  /** The set transformer's blocks, attention heads and inputs (only with `set-transformer`). */
  setFusion?: { layers: number; heads: number; readsRanks: boolean; readsListRank: boolean };
}

/** The fusions over the heads: an MLP per item, or a set transformer over a request's candidates. */
export const fusionArchitectures = ['mlp', 'set-transformer'] as const;
export type FusionArchitecture = (typeof fusionArchitectures)[number];

export const defaultShape = { dim: 16, hidden: 64, fusionHidden: 32, historyLength: 20, positions: 10 };

/**
 * Multi-task heads (docs/reward.md, "Signal tower"): user history, item and
 * context features -> two ReLU layers -> one logit per signal (the eight
 * KuaiRand signals and the duration-aware watch percentile).
 */
export class SignalTower extends Module {
  readonly item: Embedding;
  readonly author: Embedding;
  readonly category: Embedding;
  readonly duration: Embedding;
  readonly hour: Embedding;
  readonly position: Embedding;
  readonly layer1: Linear;
  readonly layer2: Linear;
  readonly heads: Linear;

  constructor(
    readonly config: RewardConfig,
    random: Random,
  ) {
    super();
    const { dim, hidden } = config;
    this.item = this.addModule('item', new Embedding(config.numItems, dim, random, { std: 0.1 }));
    this.author = this.addModule('author', new Embedding(config.numAuthors + 1, dim, random, { std: 0.1 }));
    this.category = this.addModule(
      'category',
      new Embedding(config.numCategories + 1, dim, random, { std: 0.1 }),
    );
    this.duration = this.addModule(
      'duration',
      new Embedding(config.watch.durationBounds.length + 1, dim, random, { std: 0.1 }),
    );
    this.hour = this.addModule('hour', new Embedding(24, dim, random, { std: 0.1 }));
    this.position = this.addModule('position', new Embedding(config.positions, dim, random, { std: 0.1 }));
    this.layer1 = this.addModule('layer1', new Linear(8 * dim + 1, hidden, random, { activation: 'relu' }));
    this.layer2 = this.addModule('layer2', new Linear(hidden, hidden, random, { activation: 'relu' }));
    this.heads = this.addModule('heads', new Linear(hidden, numHeads, random));
  }

  forward(batch: CandidateBatch, side: ItemSide): { hidden: Tensor; logits: Tensor } {
    const N = batch.size;
    const K = batch.historyLength;
    const ids = itemColumns(batch, side, this.config);
    const item = this.item.forward(ids.item); // [N, d]
    const counts = new Float32Array(N);
    for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) counts[n]! += batch.historyMask[n * K + k]!;
    // One request's candidates (a feed's rank stage) share one history: without a gradient to
    // carry, its mean is computed once and copied to every row (the same floats as per row).
    const history =
      N > 1 && !isGradEnabled() && sharesOneHistory(batch)
        ? repeatRow(this.#historyMean(batch, counts, 1), N) // [N, d]
        : this.#historyMean(batch, counts, N); // [N, d]
    const activity = tensor(
      counts.map((c) => Math.log1p(c) / Math.log1p(K)),
      [N, 1],
    ); // [N, 1]
    const features = concat(
      [
        item,
        this.author.forward(ids.author),
        this.category.forward(ids.category),
        this.duration.forward(ids.duration),
        this.hour.forward(intTensor(batch.hour, [N])),
        this.position.forward(ids.position),
        history,
        mul(history, item), // user-item affinity
        activity,
      ],
      1,
    ); // [N, 8d + 1]
    const hidden = this.layer2.forward(this.layer1.forward(features)); // [N, H]
    return { hidden, logits: this.heads.forward(hidden) }; // [N, 9]
  }

  /** [rows, d] the mean embedding of the recent plays of the batch's first `rows` rows. */
  #historyMean(batch: CandidateBatch, counts: Float32Array, rows: number): Tensor {
    const K = batch.historyLength;
    const d = this.config.dim;
    const past = reshape(this.item.forward(intTensor(batch.history.subarray(0, rows * K), [rows * K])), [
      rows,
      K,
      d,
    ]); // [rows, K, d]
    const inverse = counts.subarray(0, rows).map((c) => 1 / Math.max(c, 1));
    const masked = mul(past, tensor(batch.historyMask.subarray(0, rows * K), [rows, K, 1])); // [rows, K, d]
    return mul(sum(masked, 1), tensor(inverse, [rows, 1])); // [rows, d]
  }
}

/** Whether every row of the batch has the first row's history and mask. */
function sharesOneHistory(batch: CandidateBatch): boolean {
  const K = batch.historyLength;
  const { history, historyMask } = batch;
  for (let n = 1; n < batch.size; n++)
    for (let k = 0; k < K; k++)
      if (history[n * K + k] !== history[k] || historyMask[n * K + k] !== historyMask[k]) return false;
  return true;
}

/** [n, d] copies of a [1, d] tensor (no gradient: callers only use it without one). */
function repeatRow(row: Tensor, n: number): Tensor {
  const d = row.shape[1]!;
  const data = new Float32Array(n * d);
  for (let r = 0; r < n; r++) data.set(row.data, r * d);
  return tensor(data, [n, d]);
}

/**
 * The learned fusion (EMER-style, docs/reward.md): reads every candidate of a
 * request at once. Per candidate: the heads' logits, their normalised ranks
 * within the request and the tower's hidden features; a request context (mean
 * over the request's candidates) joins each candidate before the score.
 */
export class Fusion extends Module {
  readonly input: Linear;
  readonly mix: Linear;
  readonly score: Linear;

  constructor(
    readonly config: RewardConfig,
    random: Random,
  ) {
    super();
    const F = config.fusionHidden;
    const inputs =
      2 * numHeads +
      (config.fusionReadsHidden === false ? 0 : config.hidden) +
      (config.fusionReadsDuration ? config.watch.durationBounds.length + 1 : 0);
    this.input = this.addModule('input', new Linear(inputs, F, random, { activation: 'relu' }));
    this.mix = this.addModule('mix', new Linear(2 * F, F, random, { activation: 'relu' }));
    this.score = this.addModule('score', new Linear(F, 1, random));
  }

  /**
   * logits [N, 9], hidden [N, H] (read only when `fusionReadsHidden`) and each
   * row's duration in ms (read only when `fusionReadsDuration`), without
   * gradient: the fusion trains on top of the heads.
   */
  forward(
    logits: Tensor,
    hidden: Tensor | undefined,
    requestOffsets: Int32Array,
    durationMs?: ArrayLike<number>,
    _userFeatures?: Float32Array,
  ): Tensor {
    const N = logits.shape[0]!;
    const R = requestOffsets.length - 1;
    const ranks = tensor(normalisedRanks(logits.data, requestOffsets), [N, numHeads]); // [N, 9]
    const readsHidden = this.config.fusionReadsHidden !== false;
    if (readsHidden && !hidden) throw new RangeError('Fusion.forward: this fusion reads the hidden features');
    const parts = readsHidden && hidden ? [logits, ranks, hidden] : [logits, ranks];
    if (this.config.fusionReadsDuration) {
      if (!durationMs || durationMs.length !== N)
        throw new RangeError(
          `Fusion.forward: this fusion reads ${N} durations, got ${durationMs?.length ?? 0}`,
        );
      const bounds = this.config.watch.durationBounds;
      const width = bounds.length + 1;
      const onehot = new Float32Array(N * width);
      for (let n = 0; n < N; n++) onehot[n * width + durationBucket(bounds, durationMs[n]!)] = 1;
      parts.push(tensor(onehot, [N, width]));
    }
    const z = this.input.forward(concat(parts, 1)); // [N, F]
    const pool = new Float32Array(R * N); // [R, N]: mean over each request's rows
    const spread = new Float32Array(N * R); // [N, R]: each row's request
    for (let r = 0; r < R; r++) {
      const from = requestOffsets[r]!;
      const to = requestOffsets[r + 1]!;
      for (let n = from; n < to; n++) {
        pool[r * N + n] = 1 / (to - from);
        spread[n * R + r] = 1;
      }
    }
    const context = matmul(tensor(spread, [N, R]), matmul(tensor(pool, [R, N]), z)); // [N, F]
    return this.score.forward(this.mix.forward(concat([z, context], 1))); // [N, 1]
  }
}

/** The signal tower and the fusion over it (an MLP `Fusion` or a `SetFusion`, by `fusionArchitecture`). */
export class RewardModel extends Module {
  readonly tower: SignalTower;
  readonly fusion: Fusion | SetFusion;

  constructor(
    readonly config: RewardConfig,
    random: Random,
  ) {
    super();
    this.tower = this.addModule('tower', new SignalTower(config, random));
    const set = config.setFusion;
    if (config.fusionArchitecture === 'set-transformer' && !set)
      throw new RangeError('RewardModel: a set-transformer fusion needs its setFusion shape');
    this.fusion = this.addModule(
      'fusion',
      config.fusionArchitecture === 'set-transformer' && set
        ? new SetFusion(
            { width: config.fusionHidden, durationBounds: config.watch.durationBounds, ...set },
            random,
          )
        : new Fusion(config, random),
    );
  }
}

function itemColumns(
  batch: CandidateBatch,
  side: ItemSide,
  config: RewardConfig,
): Record<'item' | 'author' | 'category' | 'duration' | 'position', IntTensor> {
  const N = batch.size;
  const author = new Int32Array(N);
  const category = new Int32Array(N);
  const duration = new Int32Array(N);
  const position = new Int32Array(N);
  for (let n = 0; n < N; n++) {
    const item = batch.item[n]!;
    author[n] = side.author[item]! + 1;
    category[n] = side.category[item]! + 1;
    duration[n] = durationBucket(config.watch.durationBounds, side.durationMs[item]!);
    position[n] = Math.min(batch.position[n]!, config.positions - 1);
  }
  return {
    item: intTensor(batch.item, [N]),
    author: intTensor(author, [N]),
    category: intTensor(category, [N]),
    duration: intTensor(duration, [N]),
    position: intTensor(position, [N]),
  };
}
