import { existsSync } from 'node:fs';
import {
  InvalidInputError,
  type Logger,
  type Progress,
  Random,
  silentLogger,
  silentProgress,
} from '../core/index.js';
import {
  AdamW,
  backward,
  clipGradNorm,
  loadCheckpoint,
  type Module,
  mul,
  saveCheckpoint,
  type Tensor,
  tensor,
  warmupCosine,
} from '../tensor/index.js';

/** What the trainer trains: a module and a loss over batches of example indices. It knows nothing else. */
export interface TrainingTask {
  module: Module;
  /** Number of training examples (e.g. users); batches are sets of indices in [0, examples). */
  examples: number;
  /**
   * Mean loss of one batch (a scalar with gradient). `random` is the seeded
   * stream of this batch (dropout); the trainer derives it from seed and epoch.
   */
  loss(batch: Int32Array, random: Random): Tensor;
  /** Size of an example (e.g. sequence length): batches then group similar sizes to cut padding. */
  exampleSize?(example: number): number;
}

export interface Validation {
  /** Higher is better (e.g. validation Recall@10); called on the module in its trained state. */
  evaluate(): number | Promise<number>;
  /** Name of the metric in logs and progress. Default 'validation'. */
  metric?: string;
  /** Evaluate after every `every` epochs (and after the last). Default 1. */
  every?: number;
  /** Stop after this many evaluations without improvement. Default 5. */
  patience?: number;
}

export interface TrainerOptions {
  /** Epochs to run (the maximum when a validation can stop early). */
  epochs: number;
  batchSize: number;
  /** Peak learning rate. */
  lr: number;
  /** AdamW decoupled weight decay (not on 1-D parameters). Default 0. */
  weightDecay?: number;
  /** Linear warmup steps. Default min(200, 10% of the schedule). */
  warmupSteps?: number;
  /**
   * Epochs the cosine decay spans (default `epochs`). Keep it fixed when a run is
   * stopped early and repeated with the chosen epoch count, so the repeat sees
   * the same learning rates.
   */
  scheduleEpochs?: number;
  /** Floor of the cosine as a fraction of lr. Default 0.1. */
  minLrRatio?: number;
  /** Global gradient-norm clip. Default 1; 0 turns it off. */
  clipNorm?: number;
  /** Micro-batches of `batchSize` per optimizer step (gradient accumulation). Default 1. */
  accumulate?: number;
  /** Seed of the shuffles and of every batch's random stream. Default 42. */
  seed?: number;
  validation?: Validation;
  /** Safetensors file written after every epoch; with `resume`, an existing one is continued. */
  checkpoint?: { path: string; resume?: boolean };
  /** Checked between epochs: stop after the running epoch (its checkpoint is written). */
  signal?: AbortSignal;
  logger?: Logger;
  progress?: Progress;
  /** Called after every epoch (after its validation and checkpoint). */
  onEpoch?(epoch: EpochRecord): void;
}

export interface EpochRecord {
  /** 1-based. */
  epoch: number;
  /** Mean training loss over the epoch's batches. */
  loss: number;
  /** Validation value, when evaluated this epoch. */
  metric?: number;
  seconds: number;
}

export interface TrainingResult {
  /** Epochs trained in total (including those before a resume). */
  epochs: number;
  /** Epoch whose parameters the module holds at the end (the best on validation, else the last). */
  bestEpoch: number;
  bestMetric?: number;
  history: EpochRecord[];
  stoppedEarly: boolean;
  /** True when the signal ended training before the planned epochs. */
  interrupted: boolean;
  /** Wall seconds of this call (a resumed run counts only its own part). */
  seconds: number;
}

/** Everything a checkpoint stores besides tensors; compared on resume. */
interface TrainerState {
  kind: 'genfeed.trainer';
  /** Settings that must match to resume. */
  settings: Record<string, number>;
  epoch: number;
  bestEpoch: number;
  bestMetric: number | null;
  stale: number;
  stoppedEarly: boolean;
  history: EpochRecord[];
  optimizerStep: number;
}

/**
 * A model-agnostic training loop: shuffled batches, AdamW with warmup + cosine,
 * gradient clipping and accumulation, early stopping on a validation value
 * (keeping the best epoch's parameters), and checkpoints that resume bit for bit.
 *
 * Randomness of epoch e (shuffle, then one stream per batch) is derived from
 * (seed, e) alone, so the seed and the epoch counter are the whole RNG state.
 */
export async function train(task: TrainingTask, options: TrainerOptions): Promise<TrainingResult> {
  const started = performance.now();
  const logger = options.logger ?? silentLogger;
  const progress = options.progress ?? silentProgress;
  const seed = options.seed ?? 42;
  const accumulate = options.accumulate ?? 1;
  const clipNorm = options.clipNorm ?? 1;
  const { epochs, batchSize } = options;
  if (!(Number.isInteger(epochs) && epochs >= 0))
    throw new RangeError(`train: epochs must be >= 0, got ${epochs}`);
  if (!(Number.isInteger(batchSize) && batchSize > 0))
    throw new RangeError(`train: batchSize must be a positive integer, got ${batchSize}`);
  if (!(Number.isInteger(accumulate) && accumulate > 0))
    throw new RangeError(`train: accumulate must be a positive integer, got ${accumulate}`);

  const module = task.module;
  const named = module.namedParameters();
  const params = named.map(([, value]) => value);
  const optimizer = new AdamW(params, { lr: options.lr, weightDecay: options.weightDecay ?? 0 });
  const batchesPerEpoch = Math.ceil(task.examples / batchSize);
  const stepsPerEpoch = Math.ceil(batchesPerEpoch / accumulate);
  const scheduleSteps = Math.max(1, (options.scheduleEpochs ?? epochs) * stepsPerEpoch);
  const warmupSteps = Math.max(
    0,
    Math.min(options.warmupSteps ?? Math.min(200, Math.floor(scheduleSteps / 10)), scheduleSteps - 1),
  );
  const learningRate = warmupCosine({
    peakLr: options.lr,
    warmupSteps,
    totalSteps: scheduleSteps,
    minLr: options.lr * (options.minLrRatio ?? 0.1),
  });
  const validation = options.validation;
  const every = validation?.every ?? 1;
  const patience = validation?.patience ?? 5;
  const metricName = validation?.metric ?? 'validation';

  const settings: Record<string, number> = {
    seed,
    batchSize,
    accumulate,
    examples: task.examples,
    lr: options.lr,
    weightDecay: options.weightDecay ?? 0,
    scheduleSteps,
    warmupSteps,
    clipNorm,
    parameters: module.parameterCount(),
  };
  let state: TrainerState = {
    kind: 'genfeed.trainer',
    settings,
    epoch: 0,
    bestEpoch: 0,
    bestMetric: null,
    stale: 0,
    stoppedEarly: false,
    history: [],
    optimizerStep: 0,
  };
  let best: Float32Array[] | undefined;

  const checkpointPath = options.checkpoint?.path;
  if (checkpointPath !== undefined && options.checkpoint?.resume && existsSync(checkpointPath)) {
    const restored = await restoreCheckpoint(checkpointPath, named, optimizer, settings);
    state = restored.state;
    best = restored.best;
    logger.info(`resumed training from ${checkpointPath} after epoch ${state.epoch}`);
  }

  let interrupted = false;
  while (state.epoch < epochs && !state.stoppedEarly) {
    if (options.signal?.aborted) {
      interrupted = true;
      break;
    }
    const epoch = state.epoch + 1;
    const epochStart = performance.now();
    const random = new Random(epochSeed(seed, epoch));
    const batches = epochBatches(task, batchSize, random);
    module.train(true);
    progress.start(`epoch ${epoch}/${epochs}`, batches.length);
    let lossSum = 0;
    let seen = 0;
    for (let first = 0; first < batches.length; first += accumulate) {
      const group = batches.slice(first, first + accumulate);
      optimizer.zeroGrad();
      for (const batch of group) {
        const loss = task.loss(batch, random.fork());
        const value = loss.item();
        if (!Number.isFinite(value)) throw new RangeError(`train: loss is ${value} at epoch ${epoch}`);
        backward(group.length === 1 ? loss : mul(loss, 1 / group.length));
        lossSum += value;
        seen += batch.length;
      }
      if (clipNorm > 0) clipGradNorm(params, clipNorm);
      optimizer.step(learningRate(state.optimizerStep));
      state.optimizerStep++;
      const done = Math.min(first + accumulate, batches.length);
      const elapsed = (performance.now() - epochStart) / 1000;
      progress.update(done, {
        loss: (lossSum / done).toFixed(4),
        'examples/s': Math.round(seen / Math.max(elapsed, 1e-9)),
      });
    }
    progress.stop();
    const record: EpochRecord = {
      epoch,
      loss: batches.length > 0 ? lossSum / batches.length : 0,
      seconds: (performance.now() - epochStart) / 1000,
    };

    if (validation !== undefined && (epoch % every === 0 || epoch === epochs)) {
      const metric = await validation.evaluate();
      record.metric = metric;
      if (state.bestMetric === null || metric > state.bestMetric) {
        state.bestMetric = metric;
        state.bestEpoch = epoch;
        state.stale = 0;
        best = params.map((p) => p.data.slice());
      } else {
        state.stale++;
        if (state.stale >= patience) state.stoppedEarly = true;
      }
    }
    state.epoch = epoch;
    state.history.push(record);
    logger.debug(
      `epoch ${epoch}: loss ${record.loss.toFixed(4)}${record.metric === undefined ? '' : `, ${metricName} ${record.metric.toFixed(4)}`} (${record.seconds.toFixed(1)} s)`,
    );
    if (checkpointPath !== undefined) await writeCheckpoint(checkpointPath, named, optimizer, state, best);
    options.onEpoch?.(record);
  }

  if (best !== undefined && state.bestEpoch !== state.epoch) {
    for (const [i, p] of params.entries()) p.data.set(best[i]!);
    logger.debug(`restored the parameters of epoch ${state.bestEpoch} (${metricName} ${state.bestMetric})`);
  }
  const result: TrainingResult = {
    epochs: state.epoch,
    bestEpoch: best !== undefined ? state.bestEpoch : state.epoch,
    history: state.history,
    stoppedEarly: state.stoppedEarly,
    interrupted,
    seconds: (performance.now() - started) / 1000,
  };
  if (state.bestMetric !== null) result.bestMetric = state.bestMetric;
  return result;
}

/** A seed for epoch e of a run, well mixed so neighbouring epochs get unrelated streams. */
function epochSeed(seed: number, epoch: number): number {
  return new Random((Math.trunc(seed) >>> 0) ^ Math.imul(epoch, 0x9e3779b1)).nextUint32();
}

/**
 * A shuffled epoch in batches. With `exampleSize`, examples are shuffled, cut
 * into pools of 64 batches, sorted by size within a pool, batched, and the
 * batches shuffled again: similar sizes share a batch (little padding) while
 * batch order and membership stay random.
 */
function epochBatches(task: TrainingTask, batchSize: number, random: Random): Int32Array[] {
  const order = random.shuffle(Array.from({ length: task.examples }, (_, i) => i));
  const sizeOf = task.exampleSize?.bind(task);
  if (sizeOf !== undefined) {
    const pool = batchSize * 64;
    for (let start = 0; start < order.length; start += pool) {
      const sorted = order.slice(start, start + pool).sort((a, b) => sizeOf(a) - sizeOf(b) || a - b);
      order.splice(start, sorted.length, ...sorted);
    }
  }
  const batches: Int32Array[] = [];
  for (let start = 0; start < order.length; start += batchSize) {
    batches.push(Int32Array.from(order.slice(start, start + batchSize)));
  }
  return sizeOf !== undefined ? random.shuffle(batches) : batches;
}

async function writeCheckpoint(
  path: string,
  named: readonly [string, Tensor][],
  optimizer: AdamW,
  state: TrainerState,
  best: Float32Array[] | undefined,
): Promise<void> {
  const { m, v } = optimizer.state();
  const tensors: [string, Tensor][] = [];
  named.forEach(([name, p], i) => {
    tensors.push([`model.${name}`, p]);
    tensors.push([`optimizer.m.${name}`, tensor(m[i]!, p.shape)]);
    tensors.push([`optimizer.v.${name}`, tensor(v[i]!, p.shape)]);
    if (best !== undefined) tensors.push([`best.${name}`, tensor(best[i]!, p.shape)]);
  });
  await saveCheckpoint(path, tensors, { config: { ...state, optimizerStep: optimizer.stepCount } });
}

async function restoreCheckpoint(
  path: string,
  named: readonly [string, Tensor][],
  optimizer: AdamW,
  settings: Record<string, number>,
): Promise<{ state: TrainerState; best: Float32Array[] | undefined }> {
  const checkpoint = await loadCheckpoint(path);
  const state = checkpoint.config as TrainerState | null;
  if (state?.kind !== 'genfeed.trainer') {
    throw new InvalidInputError(`Cannot resume from ${path}: not a genfeed trainer checkpoint`);
  }
  for (const [key, value] of Object.entries(settings)) {
    if (state.settings[key] !== value) {
      throw new InvalidInputError(
        `Cannot resume from ${path}: it was trained with ${key} = ${state.settings[key]}, this run has ${value}`,
      );
    }
  }
  const read = (name: string): Float32Array => {
    const stored = checkpoint.tensors.get(name);
    if (stored === undefined)
      throw new InvalidInputError(`Cannot resume from ${path}: tensor "${name}" is missing`);
    return stored.data as Float32Array;
  };
  const hasBest = checkpoint.tensors.has(`best.${named[0]?.[0]}`);
  for (const [name, p] of named) p.data.set(read(`model.${name}`));
  optimizer.loadState({
    step: state.optimizerStep,
    m: named.map(([name]) => read(`optimizer.m.${name}`)),
    v: named.map(([name]) => read(`optimizer.v.${name}`)),
  });
  return { state, best: hasBest ? named.map(([name]) => read(`best.${name}`).slice()) : undefined };
}
