import { type Interval, type MeanIntervalOptions, meanInterval } from './interval.js';

/** A mean with its 95% interval as `[low, high]`: the shape of the simulator's and the experiment report's JSON. */
export interface Estimate {
  mean: number;
  ci95: [number, number];
}

export function asEstimate(interval: Interval): Estimate {
  return { mean: interval.value, ci95: [interval.low, interval.high] };
}

/**
 * Mean and 95% interval of independent replicates (seeds, users); Student's t by
 * default, since replicates are few. One replicate gives a zero-width interval.
 */
export function estimate(values: readonly number[], options: MeanIntervalOptions = {}): Estimate {
  return asEstimate(meanInterval(values, { critical: options.critical ?? 'student-t' }));
}
