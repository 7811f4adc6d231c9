/**
 * What a satisfaction world adds to a world (satisfaction-world.ts builds it;
 * world.ts carries it): its own file so the two need not import each other.
 */

/** How strongly each departure acts; 0 is today's world. */
export interface WorldStrengths {
  durationBias: number;
  temptation: number;
  expression: number;
  longRun: number;
}

/** The signals with a per-user propensity, in the order of `Departures.propensity`'s columns. */
export const expressiveSignals = ['like', 'follow', 'comment', 'forward'] as const;

/** Per-item and per-user traits of a satisfaction world, precomputed from the strengths. */
export interface Departures {
  strengths: WorldStrengths;
  /** Allure a_i in [0, 1], independent of taste. */
  allure: Float64Array;
  /** Added to the keep logit (temptation), per item. */
  keepShift: Float64Array;
  /** Added to the watch-fraction logit (temptation + duration bias), per item. */
  watchShift: Float64Array;
  /** Subtracted from the satisfaction logit (temptation), per item. */
  valueShift: Float64Array;
  /** [users, 4] row-major: the logit offset of like, follow, comment, forward per user. */
  propensity: Float64Array;
  /** The catalogue's median duration (the duration bias's reference). */
  referenceDurationMs: number;
}
