import type { Logger, Progress, Random } from '../core/index.js';
import type { Module, Tensor } from '../tensor/index.js';

/** What the trainer trains: a module and a loss over batches of example indices. It knows nothing else. */
export interface TrainingTask {
  module: Module;
  /** Number of training examples (e.g. users); batches are sets of indices in [0, examples). */
  examples: number;
  /**
   * Mean loss of one batch (a scalar with gradient), or undefined when the
   * batch has nothing to learn (no step is taken for it). `random` is the
   * seeded stream of this batch (dropout); the trainer derives it from seed and epoch.
   */
  loss(batch: Int32Array, random: Random): Tensor | undefined;
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
  /**
   * Multiplier of `lr` at optimizer step `step` (0-based) of `totalSteps`;
   * replaces the default linear warmup + cosine decay (`() => 1`: constant).
   */
  schedule?(step: number, totalSteps: number): number;
  /** AdamW decoupled weight decay (not on 1-D parameters). Default 0. */
  weightDecay?: number;
  /** Linear warmup steps of the default schedule. Default min(200, 10% of the schedule). */
  warmupSteps?: number;
  /**
   * Epochs the schedule spans (default `epochs`). Keep it fixed when a run is
   * stopped early and repeated with the chosen epoch count, so the repeat sees
   * the same learning rates.
   */
  scheduleEpochs?: number;
  /** Floor of the default cosine as a fraction of lr. Default 0.1. */
  minLrRatio?: number;
  /** Global gradient-norm clip. Default 1; 0 turns it off. */
  clipNorm?: number;
  /** Adam's moment decay rates and epsilon. Default 0.9, 0.999, 1e-8. */
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Micro-batches of `batchSize` per optimizer step (gradient accumulation). Default 1. */
  accumulate?: number;
  /** Seed of the shuffles and of every batch's random stream. Default 42. */
  seed?: number;
  /**
   * Training mode (dropout) during the epochs. Default true; preference
   * fine-tuning turns it off so the policy's log-probabilities are comparable
   * with the frozen reference's (as TRL's DPO trainer disables dropout).
   */
  trainMode?: boolean;
  validation?: Validation;
  /** Safetensors file written after every epoch; with `resume`, an existing one is continued. */
  checkpoint?: { path: string; resume?: boolean };
  /** Checked between epochs: stop after the running epoch (its checkpoint is written). */
  signal?: AbortSignal;
  logger?: Logger;
  progress?: Progress;
  /** Names the run in progress and logs (`<label> epoch 2/4`), e.g. 'reward fold 1/4'. */
  label?: string;
  /** Called after every epoch (after its validation and checkpoint). */
  onEpoch?(epoch: EpochRecord): void;
}

/** Options of `trainSync`: no checkpoints, and a synchronous validation. */
export type SyncTrainerOptions = Omit<TrainerOptions, 'checkpoint' | 'validation'> & {
  validation?: Omit<Validation, 'evaluate'> & { evaluate(): number };
};

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
