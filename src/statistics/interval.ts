import { type Critical, criticalValue, Z975 } from './critical-value.js';
import { mean, sampleVariance, standardError } from './moments.js';

/** A figure with its 95% confidence interval. */
export interface Interval {
  value: number;
  low: number;
  high: number;
}

export interface IntervalOptions {
  /** Standard errors per half-width (default `Z975`). */
  critical?: number;
}

export interface MeanIntervalOptions {
  /** Standard errors per half-width: a normal quantile (default `Z975`) or `'student-t'`. */
  critical?: Critical;
}

const undefinedInterval = (): Interval => ({ value: Number.NaN, low: Number.NaN, high: Number.NaN });

/**
 * Mean of independent observations and the half-width of its 95% interval:
 * NaN for no values, 0 for one (nothing to measure the spread on).
 */
export function meanAndHalfWidth(
  values: readonly number[],
  options: MeanIntervalOptions = {},
): { mean: number; halfWidth: number } {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, halfWidth: Number.NaN };
  const centre = mean(values);
  if (n === 1) return { mean: centre, halfWidth: 0 };
  return {
    mean: centre,
    halfWidth: criticalValue(options.critical ?? Z975, n) * standardError(values, centre),
  };
}

/** Mean of independent observations (one per user, or per replicate) with its 95% interval. */
export function meanInterval(values: readonly number[], options: MeanIntervalOptions = {}): Interval {
  const { mean, halfWidth } = meanAndHalfWidth(values, options);
  return { value: mean, low: mean - halfWidth, high: mean + halfWidth };
}

/**
 * Difference of two independent means, mean(a) - mean(b), with Welch's
 * normal-approximation 95% interval: se^2 = var(a)/n_a + var(b)/n_b. With
 * fewer than two values on a side the bounds are NaN (and the value too when a
 * side is empty).
 */
export function differenceInterval(
  a: readonly number[],
  b: readonly number[],
  options: IntervalOptions = {},
): Interval {
  if (a.length < 2 || b.length < 2) {
    const value = a.length > 0 && b.length > 0 ? mean(a) - mean(b) : Number.NaN;
    return { value, low: Number.NaN, high: Number.NaN };
  }
  const meanA = mean(a);
  const meanB = mean(b);
  const half =
    (options.critical ?? Z975) *
    Math.sqrt(sampleVariance(a, meanA) / a.length + sampleVariance(b, meanB) / b.length);
  return { value: meanA - meanB, low: meanA - meanB - half, high: meanA - meanB + half };
}

/**
 * Relative difference of two independent means, mean(a) / mean(b) - 1, with a
 * delta-method 95% interval: var ~ var(a)/(n_a b^2) + a^2 var(b)/(n_b b^4).
 * NaN below two values a side or when mean(b) is 0.
 */
export function liftInterval(
  a: readonly number[],
  b: readonly number[],
  options: IntervalOptions = {},
): Interval {
  const meanA = mean(a);
  const meanB = mean(b);
  if (a.length < 2 || b.length < 2 || !(meanB !== 0)) return undefinedInterval();
  const lift = meanA / meanB - 1;
  const se = Math.sqrt(
    sampleVariance(a, meanA) / (a.length * meanB ** 2) +
      (meanA ** 2 * sampleVariance(b, meanB)) / (b.length * meanB ** 4),
  );
  const critical = options.critical ?? Z975;
  return { value: lift, low: lift - critical * se, high: lift + critical * se };
}

/**
 * Ratio of sums sum(x) / sum(y) over clusters (users), e.g. likes per event,
 * with the delta-method 95% interval: events of one user are not independent,
 * so the user is the unit (Deng et al., "Applying the Delta Method in Metric
 * Analytics", 2018): var(R) ~ (s_x^2 - 2 R s_xy + R^2 s_y^2) / (n ybar^2).
 */
export function ratioInterval(
  numerators: readonly number[],
  denominators: readonly number[],
  options: IntervalOptions = {},
): Interval {
  if (numerators.length !== denominators.length) {
    throw new RangeError(
      `ratioInterval needs as many numerators as denominators, got ${numerators.length} and ${denominators.length}`,
    );
  }
  const n = numerators.length;
  const sumX = numerators.reduce((sum, value) => sum + value, 0);
  const sumY = denominators.reduce((sum, value) => sum + value, 0);
  if (n === 0 || sumY === 0) return undefinedInterval();
  const ratio = sumX / sumY;
  if (n === 1) return { value: ratio, low: ratio, high: ratio };
  const meanX = sumX / n;
  const meanY = sumY / n;
  let varX = 0;
  let varY = 0;
  let covariance = 0;
  for (let i = 0; i < n; i++) {
    const dx = numerators[i]! - meanX;
    const dy = denominators[i]! - meanY;
    varX += dx * dx;
    varY += dy * dy;
    covariance += dx * dy;
  }
  varX /= n - 1;
  varY /= n - 1;
  covariance /= n - 1;
  const variance = Math.max(0, (varX - 2 * ratio * covariance + ratio * ratio * varY) / (n * meanY * meanY));
  const half = (options.critical ?? Z975) * Math.sqrt(variance);
  return { value: ratio, low: ratio - half, high: ratio + half };
}

/** A proportion k / n with the Wilson score 95% interval (sound near 0 and 1). */
export function proportionInterval(
  successes: number,
  trials: number,
  options: IntervalOptions = {},
): Interval {
  if (trials === 0) return undefinedInterval();
  const z = options.critical ?? Z975;
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / (1 + z2 / trials);
  return { value: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
