import { type Logger, type Progress, Random, silentLogger, silentProgress } from '../core/index.js';
import { type Tensor, warmupCosine } from '../tensor/index.js';
import { epochBatches } from './epoch-batches.js';
import { Optimization } from './optimization.js';
import type { EpochRecord, TrainerOptions, TrainingResult, TrainingTask } from './trainer-options.js';

/** Everything a checkpoint stores besides tensors; compared on resume. */
export interface TrainerState {
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
 * One run of the trainer as synchronous pieces (an epoch, its validation
 * value), so `train` and `trainSync` drive the same loop and differ only in
 * awaiting validation and checkpoints.
 *
 * Randomness of epoch e (shuffle, then one stream per batch) is derived from
 * (seed, e) alone, so the seed and the epoch counter are the whole RNG state.
 */
export class TrainingRun {
  readonly named: readonly [string, Tensor][];
  readonly optimization: Optimization;
  state: TrainerState;
  /** Parameters of the best epoch on validation so far (put back at the end). */
  best: Float32Array[] | undefined;
  readonly #task: TrainingTask;
  readonly #options: Omit<TrainerOptions, 'checkpoint'>;
  readonly #logger: Logger;
  readonly #progress: Progress;
  /** `<label> ` before 'epoch' in progress and logs. */
  readonly #prefix: string;
  readonly #started = performance.now();

  constructor(task: TrainingTask, options: Omit<TrainerOptions, 'checkpoint'>) {
    const { epochs, batchSize } = options;
    const accumulate = options.accumulate ?? 1;
    if (!(Number.isInteger(epochs) && epochs >= 0))
      throw new RangeError(`train: epochs must be >= 0, got ${epochs}`);
    if (!(Number.isInteger(batchSize) && batchSize > 0))
      throw new RangeError(`train: batchSize must be a positive integer, got ${batchSize}`);
    if (!(Number.isInteger(accumulate) && accumulate > 0))
      throw new RangeError(`train: accumulate must be a positive integer, got ${accumulate}`);
    this.#task = task;
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.#progress = options.progress ?? silentProgress;
    this.#prefix = options.label === undefined ? '' : `${options.label} `;
    this.named = task.module.namedParameters();

    const stepsPerEpoch = Math.ceil(Math.ceil(task.examples / batchSize) / accumulate);
    const scheduleSteps = Math.max(1, (options.scheduleEpochs ?? epochs) * stepsPerEpoch);
    const warmupSteps = Math.max(
      0,
      Math.min(options.warmupSteps ?? Math.min(200, Math.floor(scheduleSteps / 10)), scheduleSteps - 1),
    );
    const schedule = options.schedule;
    const lr = options.lr;
    this.optimization = new Optimization(
      this.named.map(([, value]) => value),
      {
        lr:
          schedule === undefined
            ? warmupCosine({
                peakLr: lr,
                warmupSteps,
                totalSteps: scheduleSteps,
                minLr: lr * (options.minLrRatio ?? 0.1),
              })
            : (step) => lr * schedule(step, scheduleSteps),
        weightDecay: options.weightDecay ?? 0,
        clipNorm: options.clipNorm ?? 1,
        ...(options.beta1 !== undefined && { beta1: options.beta1 }),
        ...(options.beta2 !== undefined && { beta2: options.beta2 }),
        ...(options.eps !== undefined && { eps: options.eps }),
      },
    );
    this.state = {
      kind: 'genfeed.trainer',
      settings: {
        seed: options.seed ?? 42,
        batchSize,
        accumulate,
        examples: task.examples,
        lr,
        weightDecay: options.weightDecay ?? 0,
        scheduleSteps,
        warmupSteps,
        clipNorm: options.clipNorm ?? 1,
        parameters: task.module.parameterCount(),
      },
      epoch: 0,
      bestEpoch: 0,
      bestMetric: null,
      stale: 0,
      stoppedEarly: false,
      history: [],
      optimizerStep: 0,
    };
  }

  /** All planned epochs ran, or validation stopped the run. */
  get finished(): boolean {
    return this.state.epoch >= this.#options.epochs || this.state.stoppedEarly;
  }

  /** Whether the epoch just trained is one to validate. */
  validates(epoch: number): boolean {
    const validation = this.#options.validation;
    if (validation === undefined) return false;
    return epoch % (validation.every ?? 1) === 0 || epoch === this.#options.epochs;
  }

  /** Trains the next epoch; `finish` records it. */
  epoch(): EpochRecord {
    const task = this.#task;
    const { batchSize, epochs } = this.#options;
    const accumulate = this.#options.accumulate ?? 1;
    const epoch = this.state.epoch + 1;
    const started = performance.now();
    const random = new Random(epochSeed(this.state.settings.seed!, epoch));
    const batches = epochBatches(task.examples, batchSize, random, task.exampleSize?.bind(task));
    task.module.train(this.#options.trainMode ?? true);
    this.#progress.start(`${this.#prefix}epoch ${epoch}/${epochs}`, batches.length);
    let lossSum = 0;
    let losses = 0;
    let seen = 0;
    for (let first = 0; first < batches.length; first += accumulate) {
      const group = batches.slice(first, first + accumulate);
      for (const batch of group) {
        const loss = task.loss(batch, random.fork());
        if (loss === undefined) continue;
        lossSum += this.optimization.accumulate(loss, 1 / group.length);
        losses++;
        seen += batch.length;
      }
      this.optimization.step();
      const elapsed = (performance.now() - started) / 1000;
      this.#progress.update(Math.min(first + accumulate, batches.length), {
        loss: (lossSum / Math.max(1, losses)).toFixed(4),
        'examples/s': Math.round(seen / Math.max(elapsed, 1e-9)),
      });
    }
    this.#progress.stop();
    return { epoch, loss: losses > 0 ? lossSum / losses : 0, seconds: (performance.now() - started) / 1000 };
  }

  /** Records a trained epoch and its validation value (if any); keeps the best parameters. */
  finish(record: EpochRecord, metric?: number): void {
    const state = this.state;
    const validation = this.#options.validation;
    if (metric !== undefined) {
      record.metric = metric;
      if (state.bestMetric === null || metric > state.bestMetric) {
        state.bestMetric = metric;
        state.bestEpoch = record.epoch;
        state.stale = 0;
        this.best = this.named.map(([, p]) => p.data.slice());
      } else {
        state.stale++;
        if (state.stale >= (validation?.patience ?? 5)) state.stoppedEarly = true;
      }
    }
    state.epoch = record.epoch;
    state.optimizerStep = this.optimization.steps;
    state.history.push(record);
    const name = validation?.metric ?? 'validation';
    this.#logger.debug(
      `${this.#prefix}epoch ${record.epoch}: loss ${record.loss.toFixed(4)}${metric === undefined ? '' : `, ${name} ${metric.toFixed(4)}`} (${record.seconds.toFixed(1)} s)`,
    );
  }

  /** Ends the run: the best epoch's parameters back in the module, and the summary. */
  result(interrupted: boolean): TrainingResult {
    const state = this.state;
    if (this.best !== undefined && state.bestEpoch !== state.epoch) {
      for (const [i, [, p]] of this.named.entries()) p.data.set(this.best[i]!);
      const name = this.#options.validation?.metric ?? 'validation';
      this.#logger.debug(`restored the parameters of epoch ${state.bestEpoch} (${name} ${state.bestMetric})`);
    }
    const result: TrainingResult = {
      epochs: state.epoch,
      bestEpoch: this.best !== undefined ? state.bestEpoch : state.epoch,
      history: state.history,
      stoppedEarly: state.stoppedEarly,
      interrupted,
      seconds: (performance.now() - this.#started) / 1000,
    };
    if (state.bestMetric !== null) result.bestMetric = state.bestMetric;
    return result;
  }
}

/** A seed for epoch e of a run, well mixed so neighbouring epochs get unrelated streams. */
function epochSeed(seed: number, epoch: number): number {
  return new Random((Math.trunc(seed) >>> 0) ^ Math.imul(epoch, 0x9e3779b1)).nextUint32();
}
