import type { Random } from '../core/index.js';
import { type EvalPhase, evaluatePhase, type Recommender } from '../eval/index.js';
import type { Validation } from '../training/index.js';

export interface PhaseValidationOptions {
  /** A metric `evaluatePhase` reports, `recall@K` or `ndcg@K`. Default 'recall@10'. */
  metric?: string;
  /** Evaluate this many randomly drawn users instead of all (speed). Default: all. */
  users?: number;
  /** Draws the user sample (once, so every epoch sees the same users). */
  random?: Random;
  every?: number;
  patience?: number;
}

/** A trainer validation that ranks the full catalogue for (a fixed sample of) a phase's users. */
export function phaseValidation(
  recommender: Recommender,
  phase: EvalPhase,
  numItems: number,
  options: PhaseValidationOptions = {},
): Validation {
  const metric = options.metric ?? 'recall@10';
  const k = Number(metric.split('@')[1]);
  if (!/^(recall|ndcg)@\d+$/.test(metric) || !(k > 0)) {
    throw new RangeError(`phaseValidation: metric must be recall@K or ndcg@K, got "${metric}"`);
  }
  const sampled = options.users === undefined ? phase : samplePhase(phase, options.users, options.random);
  const validation: Validation = {
    metric,
    evaluate: () => evaluatePhase(recommender, sampled, numItems, { ks: [k] }).metrics[metric] ?? 0,
  };
  if (options.every !== undefined) validation.every = options.every;
  if (options.patience !== undefined) validation.patience = options.patience;
  return validation;
}

/** The phase with targets kept for `users` random evaluable users only (the others are skipped). */
export function samplePhase(phase: EvalPhase, users: number, random?: Random): EvalPhase {
  const evaluable: number[] = [];
  phase.targets.forEach((targets, user) => {
    if (targets.length > 0 && phase.history[user]!.length > 0) evaluable.push(user);
  });
  if (users >= evaluable.length) return phase;
  if (random === undefined) throw new RangeError('samplePhase: a Random is needed to draw a sample');
  const chosen = new Set(random.shuffle(evaluable).slice(0, users));
  const none = new Int32Array(0);
  return { ...phase, targets: phase.targets.map((targets, user) => (chosen.has(user) ? targets : none)) };
}
