/** The normal 97.5% quantile: a two-sided 95% interval is this many standard errors wide on each side. */
export const Z975 = 1.959964;

// Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom.
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/**
 * Student's t 97.5% quantile; beyond 30 degrees of freedom the 30-df value
 * (2.042, slightly wider than the normal 1.96: conservative).
 */
export function studentT975(degreesOfFreedom: number): number {
  if (!(degreesOfFreedom >= 1))
    throw new RangeError(`degrees of freedom must be >= 1, got ${degreesOfFreedom}`);
  return T975[Math.min(degreesOfFreedom, T975.length) - 1]!;
}

/**
 * How many standard errors a 95% half-width spans: a fixed normal quantile
 * (default `Z975`; some reports keep the rounded 1.96), or `'student-t'` for
 * few replicates (n - 1 degrees of freedom).
 */
export type Critical = number | 'student-t';

export function criticalValue(critical: Critical, n: number): number {
  return critical === 'student-t' ? studentT975(n - 1) : critical;
}
