import { type BurstOptions, detectBursts } from './burst-detector.js';
import type { TopicSeries } from './topic-series.js';

export interface TrendingOptions extends BurstOptions {
  /** Bins at the end of the series that count as "now" (default: one day of bins, at least 1). */
  windowBins?: number;
  /** Topics with fewer events in the window are not trends (default 5). */
  minWindowCount?: number;
}

/** One topic's recent movement, with the evidence behind it. */
export interface TopicTrend {
  topic: string;
  /** Events in the recent window. */
  count: number;
  /** Events in the window just before it (same length). */
  previousCount: number;
  /** (count - previousCount) / max(previousCount, 1), in percent. */
  growthPercent: number;
  /** What the seasonal baseline expected for the window (sum over its bins). */
  expected: number;
  /** Highest z-score of a bin in the window (-Infinity when every bin was in warm-up). */
  peakZ: number;
  /** Bins of the window flagged as bursts. */
  burstBins: number;
}

/**
 * Every topic that moved in the last `windowBins` bins, best first: bursting
 * topics by their peak z, then the rest by growth. Only topics with growth or a
 * burst are returned.
 */
export function trendingTopics(series: TopicSeries, options: TrendingOptions = {}): TopicTrend[] {
  const windowBins = Math.max(1, options.windowBins ?? Math.round(86_400_000 / series.binMs));
  const minWindowCount = options.minWindowCount ?? 5;
  const from = Math.max(0, series.bins - windowBins);
  const before = Math.max(0, from - windowBins);
  const trends: TopicTrend[] = [];
  for (const [topic, counts] of series.counts) {
    let count = 0;
    for (let t = from; t < series.bins; t++) count += counts[t]!;
    if (count < minWindowCount) continue;
    let previousCount = 0;
    for (let t = before; t < from; t++) previousCount += counts[t]!;
    const bursts = detectBursts(counts, options);
    let expected = 0;
    let peakZ = Number.NEGATIVE_INFINITY;
    let burstBins = 0;
    for (let t = from; t < series.bins; t++) {
      if (!Number.isNaN(bursts.expected[t]!)) expected += bursts.expected[t]!;
      if (bursts.z[t]! > peakZ) peakZ = bursts.z[t]!;
      burstBins += bursts.burst[t]!;
    }
    const growthPercent = (100 * (count - previousCount)) / Math.max(previousCount, 1);
    if (burstBins === 0 && growthPercent <= 0) continue;
    trends.push({ topic, count, previousCount, growthPercent, expected, peakZ, burstBins });
  }
  return trends.sort(
    (a, b) =>
      Number(b.burstBins > 0) - Number(a.burstBins > 0) ||
      b.peakZ - a.peakZ ||
      b.growthPercent - a.growthPercent ||
      a.topic.localeCompare(b.topic),
  );
}
