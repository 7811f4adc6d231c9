// Statistics shared by every report: means, proportions, ratios, differences and lifts with their 95% intervals.
export { type Critical, criticalValue, studentT975, Z975 } from './critical-value.js';
export { asEstimate, type Estimate, estimate } from './estimate.js';
export {
  differenceInterval,
  type Interval,
  type IntervalOptions,
  liftInterval,
  type MeanIntervalOptions,
  meanAndHalfWidth,
  meanInterval,
  proportionInterval,
  ratioInterval,
} from './interval.js';
export { mean, RunningMoments, sampleVariance, standardError } from './moments.js';
export { interpolatedQuantile, nearestRank, quantile } from './quantile.js';
export { ranks, spearman } from './rank-correlation.js';
