import type { z } from 'zod';
import type { Logger, Progress, Random } from '../core/index.js';
import type { EvalPhase } from './split.js';

/** A hyperparameter's value: a number, or the name of a categorical choice (`architecture: 'lazy-decoder'`). */
export type ParamValue = number | string;

/**
 * Hyperparameters in their untyped form, as config files, search grids and
 * reports hold them. A model reads its own typed form, parsed by its schema.
 */
export type Params = Record<string, ParamValue>;

/** A model's params schema: every field has a default, so parsing `{}` gives the defaults. */
export type ParamsSchema<P extends Params> = z.ZodType<P>;

/** What a model is fit on: each user's consumed items in time order, users and items as dense indices. */
export interface TrainingData {
  numUsers: number;
  numItems: number;
  sequences: readonly Int32Array[];
}

export interface FitContext {
  random: Random;
  logger: Logger;
  progress: Progress;
  /**
   * Present only while hyperparameters are being chosen: the validation phase a
   * model may use to pick its epoch count (early stopping). Refits never see it.
   */
  validation?: EvalPhase;
}

/** What `Recommender.report` gets besides the phase. */
export interface ReportContext {
  /** Draws any user sample the measurement needs (seeded from the run's seed). */
  random: Random;
  numItems: number;
}

/** Model-specific figures for the evaluation report: each key joins the report's top level. */
export type ModelReport = Record<string, unknown>;

export interface FitResult {
  /** Values the model chose itself during a validation fit (e.g. `epochs`), fixed for the refit. */
  chosen?: Params;
}

/** A model ranked by full-catalogue scoring. */
export interface Recommender {
  fit(data: TrainingData, context: FitContext): Promise<FitResult | undefined> | FitResult | undefined;
  /**
   * Writes a score for every item into `scores` (length numItems, zero-filled
   * on entry); higher ranks first. `history` is the user's items in time order.
   */
  score(user: number, history: Int32Array, scores: Float32Array): void;
  /**
   * Optional: the model's own top-`k` list (best first, distinct items, none of
   * `exclude`) with its scores, for models that generate rather than score the
   * whole catalogue (beam search over semantic IDs). When present, evaluation
   * ranks by it; a target outside the list counts 0 in MRR.
   */
  recommend?(
    user: number,
    history: Int32Array,
    k: number,
    exclude: Int32Array,
  ): { items: Int32Array; scores: Float32Array };
  /**
   * Optional: figures about the fitted model (e.g. per-user latency, tokenizer
   * statistics), measured by the runner after the test phase is ranked, on
   * that phase. Keys the report already has are ignored.
   */
  report?(phase: EvalPhase, context: ReportContext): ModelReport | Promise<ModelReport>;
}

/**
 * A named family of models with its hyperparameters: what `--model <name>`
 * picks. `P` is the model's typed params; a spec without a schema takes numbers.
 */
export interface RecommenderSpec<P extends Params = Record<string, number>> {
  name: string;
  description: string;
  /**
   * Ranges, enums and defaults of the hyperparameters (config presets and
   * search trials are parsed with it). Without one, each of `defaults` is a number.
   */
  params?: ParamsSchema<P>;
  /** Every hyperparameter with its default value. */
  defaults: P;
  /** Values tried on validation for the hyperparameters that are tuned. */
  search: Record<string, readonly ParamValue[]>;
  create(params: P): Recommender;
}
