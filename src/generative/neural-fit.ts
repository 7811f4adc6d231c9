import { z } from 'zod';
import type { Random } from '../core/index.js';
import type { FitContext, FitResult, Recommender } from '../eval/index.js';
import type { TrainerOptions, TrainingResult } from '../training/index.js';
import { phaseValidation } from './phase-validation.js';

/**
 * The hyperparameters every neural recommender spec shares with the trainer,
 * with the model's own defaults.
 */
export function neuralFitShape(defaults: {
  epochs: number;
  decayEpochs: number;
  patience: number;
  batchSize: number;
  lr: number;
  validationUsers: number;
}) {
  return {
    /** The most epochs a validation fit may run; a refit runs exactly this many. */
    epochs: z.number().int().min(1).default(defaults.epochs),
    /** Epochs the cosine spans; 0: `epochs`. Fixed so a refit replays the validation fit's learning rates. */
    decayEpochs: z.number().int().min(0).default(defaults.decayEpochs),
    batchSize: z.number().int().min(1).default(defaults.batchSize),
    lr: z.number().positive().default(defaults.lr),
    weightDecay: z.number().min(0).default(0),
    /** Validation evaluations without improvement before stopping. */
    patience: z.number().int().min(1).default(defaults.patience),
    evaluateEvery: z.number().int().min(1).default(1),
    /** Validation users ranked per evaluation during training (a fixed random sample); 0: all. */
    validationUsers: z.number().int().min(0).default(defaults.validationUsers),
  };
}

export type NeuralFitParams = z.infer<z.ZodObject<ReturnType<typeof neuralFitShape>>>;

export interface NeuralFitOptions {
  /** Trainer checkpoint written after every epoch; an existing one is resumed. */
  checkpointPath?: string;
  /** Stops training after the running epoch (the checkpoint keeps it). */
  signal?: AbortSignal;
}

export function scheduleEpochsOf(params: NeuralFitParams): number {
  return params.decayEpochs > 0 ? params.decayEpochs : params.epochs;
}

/**
 * Trainer options of a fit: with a validation phase in the context, early
 * stopping on its Recall@10 as ranked by `scorer`; checkpoint and abort signal
 * from the recommender's options. Draws the seed, then the validation sample's
 * stream, from `random`.
 */
export function neuralTrainerOptions(
  params: NeuralFitParams,
  context: FitContext,
  options: NeuralFitOptions & { random: Random; scorer: Recommender; numItems: number },
): TrainerOptions {
  const phase = context.validation;
  return {
    epochs: params.epochs,
    scheduleEpochs: scheduleEpochsOf(params),
    batchSize: params.batchSize,
    lr: params.lr,
    weightDecay: params.weightDecay,
    seed: options.random.nextUint32(),
    logger: context.logger,
    progress: context.progress,
    ...(phase && {
      validation: phaseValidation(options.scorer, phase, options.numItems, {
        metric: 'recall@10',
        patience: params.patience,
        every: params.evaluateEvery,
        random: options.random.fork(),
        ...(params.validationUsers > 0 && { users: params.validationUsers }),
      }),
    }),
    ...(options.checkpointPath !== undefined && {
      checkpoint: { path: options.checkpointPath, resume: true },
    }),
    ...(options.signal && { signal: options.signal }),
  };
}

/** Logs a finished fit; after a validation fit, the epoch count (and cosine span) the refit must use. */
export function neuralFitResult(
  name: string,
  params: NeuralFitParams,
  result: TrainingResult,
  context: FitContext,
): FitResult | undefined {
  const validated = context.validation !== undefined;
  context.logger.info(
    `${name}: ${result.epochs} epochs in ${result.seconds.toFixed(1)} s${validated ? `, best epoch ${result.bestEpoch} (validation recall@10 ${result.bestMetric?.toFixed(4)})` : ''}`,
  );
  if (!validated) return undefined;
  return { chosen: { epochs: result.bestEpoch, decayEpochs: scheduleEpochsOf(params) } };
}
