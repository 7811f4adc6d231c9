import type { HeadName } from '../reward/index.js';

export interface TunedWeights {
  weights: Record<HeadName, number>;
  /** Stay seconds per user-day of the winner over its tuning seeds. */
  meanStayTime: number;
  /** The command that produced them. */
  command: string;
}

/**
 * The formula's weights frozen per world strength before the evaluation A/B
 * (pre-registered in docs/simulate.md; the search: tune-formula.ts). Keyed by
 * the strength as written (`String(strength)`).
 */
export const tunedFormulaWeights: Readonly<Record<string, TunedWeights>> = {};
