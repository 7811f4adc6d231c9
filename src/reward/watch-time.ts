import type { ImpressionLog } from './impression-log.js';

/**
 * Duration-aware watch time (OneRec-V2): play time ranked within its duration
 * bucket, so a 20 s play of a 3 min video and of a 10 s video are not the same
 * outcome. Buckets are duration quantiles of the training log; the target is the
 * play time's percentile among the bucket's plays, in [0, 1].
 */
export interface WatchTimeScale {
  /** Upper duration bounds (ms) of the buckets but the last, increasing. */
  durationBounds: number[];
  /** Per bucket, `points` play-time quantiles (ms), increasing. */
  playQuantiles: number[][];
}

export function fitWatchTimeScale(log: ImpressionLog, buckets = 8, points = 101): WatchTimeScale {
  if (log.size === 0) throw new RangeError('fitWatchTimeScale: empty log');
  const durations = Float64Array.from(log.durationMs).sort();
  const durationBounds: number[] = [];
  for (let b = 1; b < buckets; b++)
    durationBounds.push(durations[Math.floor((b * durations.length) / buckets)]!);
  const plays: number[][] = Array.from({ length: buckets }, () => []);
  for (let k = 0; k < log.size; k++) {
    plays[durationBucket(durationBounds, log.durationMs[k]!)]!.push(log.playTimeMs[k]!);
  }
  const playQuantiles = plays.map((values) => {
    const sorted = Float64Array.from(values.length > 0 ? values : [0]).sort();
    return Array.from(
      { length: points },
      (_, q) => sorted[Math.min(sorted.length - 1, Math.floor((q * sorted.length) / (points - 1)))]!,
    );
  });
  return { durationBounds, playQuantiles };
}

export function durationBucket(bounds: readonly number[], durationMs: number): number {
  let bucket = 0;
  while (bucket < bounds.length && durationMs > bounds[bucket]!) bucket++;
  return bucket;
}

/** Percentile of `playTimeMs` among its duration bucket's plays, interpolated between quantiles. */
export function watchPercentile(scale: WatchTimeScale, durationMs: number, playTimeMs: number): number {
  const quantiles = scale.playQuantiles[durationBucket(scale.durationBounds, durationMs)]!;
  const last = quantiles.length - 1;
  if (playTimeMs <= quantiles[0]!) return 0;
  if (playTimeMs >= quantiles[last]!) return 1;
  let low = 0;
  let high = last;
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (quantiles[middle]! <= playTimeMs) low = middle;
    else high = middle;
  }
  const span = quantiles[high]! - quantiles[low]!;
  const within = span > 0 ? (playTimeMs - quantiles[low]!) / span : 0;
  return (low + within) / last;
}
