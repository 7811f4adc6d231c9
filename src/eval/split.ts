/**
 * One phase of an offline evaluation: what a model is fit on, what it sees
 * when asked to rank, what is removed from its ranking and what it must find.
 * Arrays are indexed by dense user index.
 */
export interface EvalPhase {
  name: 'validation' | 'test';
  /** Per user, the time-ordered items a model is fit on. */
  fit: Int32Array[];
  /** Per user, the history a model is given when it ranks (time order). */
  history: Int32Array[];
  /** Per user, items taken out of the ranking because the user already consumed them. */
  exclude: Int32Array[];
  /** Per user, the items to find; users with no target (or no history) are not evaluated. */
  targets: Int32Array[];
}

export interface EvalSplit {
  /** Short protocol name, e.g. `leave-one-out`. */
  protocol: string;
  /** One sentence for the report: how targets were chosen. */
  description: string;
  numUsers: number;
  numItems: number;
  validation: EvalPhase;
  /** The test phase with the model refit on everything but the test targets. */
  test: EvalPhase;
}

/** The test phase scored by the model fit for validation (the `--no-refit` policy). */
export function withoutRefit(split: EvalSplit): EvalPhase {
  return { ...split.test, fit: split.validation.fit };
}
