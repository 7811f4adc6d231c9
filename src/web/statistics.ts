/** A figure with its 95% confidence interval. */
export interface Interval {
  value: number;
  low: number;
  high: number;
}

const Z975 = 1.959964;

/** Mean of independent observations (one per user) with a normal 95% interval. */
export function meanInterval(values: readonly number[]): Interval {
  const n = values.length;
  if (n === 0) return { value: Number.NaN, low: Number.NaN, high: Number.NaN };
  const mean = values.reduce((sum, value) => sum + value, 0) / n;
  if (n === 1) return { value: mean, low: mean, high: mean };
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1);
  const half = Z975 * Math.sqrt(variance / n);
  return { value: mean, low: mean - half, high: mean + half };
}

/**
 * Ratio of sums sum(x) / sum(y) over clusters (users), e.g. likes per event,
 * with the delta-method 95% interval: events of one user are not independent,
 * so the user is the unit (Deng et al., "Applying the Delta Method in Metric
 * Analytics", 2018): var(R) ~ (s_x^2 - 2 R s_xy + R^2 s_y^2) / (n ybar^2).
 */
export function ratioInterval(numerators: readonly number[], denominators: readonly number[]): Interval {
  if (numerators.length !== denominators.length) {
    throw new RangeError(
      `ratioInterval needs as many numerators as denominators, got ${numerators.length} and ${denominators.length}`,
    );
  }
  const n = numerators.length;
  const sumX = numerators.reduce((sum, value) => sum + value, 0);
  const sumY = denominators.reduce((sum, value) => sum + value, 0);
  if (n === 0 || sumY === 0) return { value: Number.NaN, low: Number.NaN, high: Number.NaN };
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
  const half = Z975 * Math.sqrt(variance);
  return { value: ratio, low: ratio - half, high: ratio + half };
}

/** A proportion k / n with the Wilson score 95% interval (sound near 0 and 1). */
export function proportionInterval(successes: number, trials: number): Interval {
  if (trials === 0) return { value: Number.NaN, low: Number.NaN, high: Number.NaN };
  const p = successes / trials;
  const z2 = Z975 * Z975;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (Z975 * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / (1 + z2 / trials);
  return { value: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Relative difference of two means, mean(a) / mean(b) - 1, with a delta-method
 * 95% interval (independent groups): var ~ var(a)/(n_a b^2) + a^2 var(b)/(n_b b^4).
 */
export function liftInterval(a: readonly number[], b: readonly number[]): Interval {
  const ma = meanInterval(a);
  const mb = meanInterval(b);
  if (a.length < 2 || b.length < 2 || !(mb.value !== 0))
    return { value: Number.NaN, low: Number.NaN, high: Number.NaN };
  const variance = (values: readonly number[], mean: number) =>
    values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
  const lift = ma.value / mb.value - 1;
  const se = Math.sqrt(
    variance(a, ma.value) / (a.length * mb.value ** 2) +
      (ma.value ** 2 * variance(b, mb.value)) / (b.length * mb.value ** 4),
  );
  return { value: lift, low: lift - Z975 * se, high: lift + Z975 * se };
}
