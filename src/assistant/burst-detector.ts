import { poissonUpperTail } from './poisson-tail.js';

export interface BurstOptions {
  /**
   * Bins per season: 168 for hourly counts with a weekly cycle, 24 for a daily
   * cycle, 7 for daily counts with a weekly cycle, 1 for no seasonality. Default 168.
   */
  period?: number;
  /** EWMA weight of each new same-phase observation (default 0.3). */
  alpha?: number;
  /** Same-phase observations that only build the baseline before any flag (default 2). */
  warmup?: number;
  /** A bin is a burst when its z-score reaches this (default 3)... */
  zThreshold?: number;
  /** ...its Poisson tail P(X >= count | expected) is at most this (default 0.001)... */
  maxPValue?: number;
  /** ...and it holds at least this many events (default 3). */
  minCount?: number;
}

export interface BurstSeries {
  /** The seasonal baseline each bin was compared with (NaN during warm-up). */
  expected: Float64Array;
  /** (count - expected) / sd, sd^2 = max(EWMA variance, expected, 1) * (1 + 1/n_eff). NaN during warm-up. */
  z: Float64Array;
  /** Poisson tail P(X >= count | expected + one standard error of it). NaN during warm-up. */
  pValue: Float64Array;
  /** 1 where the bin is a burst. */
  burst: Uint8Array;
}

export const burstDefaults = {
  period: 168,
  alpha: 0.3,
  warmup: 2,
  zThreshold: 3,
  maxPValue: 0.001,
  minCount: 3,
} as const;

/**
 * Burst detection against a seasonal baseline: each phase of the cycle (e.g.
 * "Tuesdays 19:00") keeps its own exponentially weighted mean and variance of
 * past counts (Holt-Winters without trend, one level per phase). A bin is a burst
 * when it stands out both as a z-score (robust to overdispersed topics) and as a
 * Poisson tail (so 3 events where 0.1 are expected count, but 1 where 0.01 are
 * expected does not). A burst updates its phase's baseline with the count capped
 * at the threshold, so one burst does not hide the next week's.
 */
export function detectBursts(counts: ArrayLike<number>, options: BurstOptions = {}): BurstSeries {
  const { period, alpha, warmup, zThreshold, maxPValue, minCount } = { ...burstDefaults, ...options };
  if (!(Number.isInteger(period) && period >= 1))
    throw new RangeError(`detectBursts: period ${period} must be a positive integer`);
  if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`detectBursts: alpha ${alpha} must be in (0, 1]`);
  const n = counts.length;
  const expected = new Float64Array(n).fill(Number.NaN);
  const z = new Float64Array(n).fill(Number.NaN);
  const pValue = new Float64Array(n).fill(Number.NaN);
  const burst = new Uint8Array(n);
  const mean = new Float64Array(period);
  const variance = new Float64Array(period);
  const seen = new Int32Array(period);
  for (let t = 0; t < n; t++) {
    const count = counts[t]!;
    if (!(count >= 0)) throw new RangeError(`detectBursts: count ${count} at bin ${t} must be >= 0`);
    const phase = t % period;
    const k = seen[phase]!;
    if (k < warmup) {
      // Plain running mean and variance until the phase has `warmup` observations.
      const delta = count - mean[phase]!;
      mean[phase]! += delta / (k + 1);
      variance[phase] = (variance[phase]! * k + delta * (count - mean[phase]!)) / (k + 1);
      seen[phase] = k + 1;
      continue;
    }
    const base = mean[phase]!;
    // The baseline is itself an estimate from about min(k, (2 - alpha) / alpha) observations:
    // its own variance widens the band, which matters most just after the warm-up.
    const spread = Math.max(variance[phase]!, base, 1);
    const observations = Math.min(k, (2 - alpha) / alpha);
    const sd = Math.sqrt(spread * (1 + 1 / observations));
    expected[t] = base;
    z[t] = (count - base) / sd;
    // The tail is taken at one standard error above the baseline, for the same reason.
    pValue[t] = poissonUpperTail(Math.round(count), Math.max(base + Math.sqrt(spread / observations), 1e-3));
    const isBurst = z[t]! >= zThreshold && pValue[t]! <= maxPValue && count >= minCount;
    burst[t] = isBurst ? 1 : 0;
    const observed = isBurst ? base + zThreshold * sd : count;
    const delta = observed - base;
    mean[phase] = base + alpha * delta;
    variance[phase] = (1 - alpha) * (variance[phase]! + alpha * delta * delta);
    seen[phase] = k + 1;
  }
  return { expected, z, pValue, burst };
}

export interface BurstSpan {
  /** First and last bin of a run of consecutive burst bins (inclusive). */
  start: number;
  end: number;
  count: number;
  expected: number;
  peakZ: number;
}

/** Runs of consecutive burst bins, with their total count, total expected count and highest z. */
export function burstSpans(counts: ArrayLike<number>, series: BurstSeries): BurstSpan[] {
  const spans: BurstSpan[] = [];
  let open: BurstSpan | undefined;
  for (let t = 0; t < series.burst.length; t++) {
    if (series.burst[t] === 1) {
      if (!open) {
        open = { start: t, end: t, count: 0, expected: 0, peakZ: Number.NEGATIVE_INFINITY };
        spans.push(open);
      }
      open.end = t;
      open.count += counts[t]!;
      open.expected += series.expected[t]!;
      open.peakZ = Math.max(open.peakZ, series.z[t]!);
    } else {
      open = undefined;
    }
  }
  return spans;
}
