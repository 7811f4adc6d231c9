import { describe, expect, it } from 'vitest';
import { Random } from '../core/index.js';
import { burstSpans, detectBursts } from './burst-detector.js';
import { poissonUpperTail } from './poisson-tail.js';

/** Hourly Poisson counts with a daily cycle (quiet nights, busy evenings) for `weeks` weeks. */
function seasonalSeries(weeks: number, seed: number): { counts: Float64Array; rate: Float64Array } {
  const random = new Random(seed);
  const hours = weeks * 168;
  const rate = new Float64Array(hours);
  const counts = new Float64Array(hours);
  for (let t = 0; t < hours; t++) {
    const hour = t % 24;
    rate[t] = 2 + (hour >= 19 && hour <= 22 ? 25 : 0) + (t % 168 >= 120 ? 4 : 0);
    counts[t] = poisson(rate[t]!, random);
  }
  return { counts, rate };
}

function poisson(mean: number, random: Random): number {
  let k = 0;
  let p = Math.exp(-mean);
  let cdf = p;
  const u = random.next();
  while (u > cdf) {
    k++;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

describe('poissonUpperTail', () => {
  it('matches closed forms', () => {
    expect(poissonUpperTail(0, 3)).toBe(1);
    expect(poissonUpperTail(1, 1)).toBeCloseTo(1 - Math.exp(-1), 10);
    expect(poissonUpperTail(3, 2)).toBeCloseTo(1 - Math.exp(-2) * (1 + 2 + 2), 10);
    // Normal branch agrees with the exact sum near its switch-over.
    const exactish = poissonUpperTail(560, 499.9);
    expect(poissonUpperTail(560, 500.1)).toBeCloseTo(exactish, 2);
  });
});

describe('detectBursts', () => {
  it('finds an injected burst and nothing else in a seasonal series', () => {
    const { counts } = seasonalSeries(6, 1);
    const at = 4 * 168 + 24 * 2 + 10; // Wednesday 10:00 of week 5
    for (let k = 0; k < 4; k++) counts[at + k]! += 20;
    const series = detectBursts(counts, { period: 168 });
    const spans = burstSpans(counts, series);
    const hit = spans.find((span) => span.start >= at && span.start <= at + 3);
    expect(hit).toBeDefined();
    expect(hit!.count).toBeGreaterThan(hit!.expected * 3);
    const falseBins = [...series.burst].filter((flag, t) => flag === 1 && (t < at || t > at + 3)).length;
    expect(falseBins).toBeLessThanOrEqual(2);
  });

  it('does not mistake the evening peaks and weekends for bursts, unlike a flat baseline', () => {
    const { counts } = seasonalSeries(5, 2);
    const seasonal = detectBursts(counts, { period: 168 });
    const flat = detectBursts(counts, { period: 1 });
    const flagged = (flags: Uint8Array) => flags.reduce((sum, flag) => sum + flag, 0);
    expect(flagged(seasonal.burst)).toBeLessThanOrEqual(3);
    expect(flagged(flat.burst)).toBeGreaterThan(50);
  });

  it('leaves the warm-up unscored and rejects bad input', () => {
    const series = detectBursts([1, 2, 3, 4], { period: 2, warmup: 1 });
    expect(Number.isNaN(series.z[0]!)).toBe(true);
    expect(Number.isNaN(series.z[2]!)).toBe(false);
    expect(() => detectBursts([1, -1])).toThrow(/count -1 at bin 1/);
    expect(() => detectBursts([1], { period: 0 })).toThrow(/period 0/);
  });
});
