import type { Logger, Progress, Random } from '../core/index.js';
import type { EvalPhase } from './split.js';

/** Hyperparameters are plain numbers so they can be searched on a grid and written to JSON. */
export type Params = Record<string, number>;

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

/** A named family of models with its hyperparameters: what `--model <name>` picks. */
export interface RecommenderSpec {
  name: string;
  description: string;
  /** Every hyperparameter with its default value. */
  defaults: Params;
  /** Values tried on validation for the hyperparameters that are tuned. */
  search: Record<string, readonly number[]>;
  create(params: Params): Recommender;
}
