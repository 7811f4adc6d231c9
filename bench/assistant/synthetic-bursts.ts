/**
 * Burst detection scored on injected bursts: hourly topic series with daily and
 * weekly seasonality and day-to-day overdispersion, bursts added at known hours.
 */

import { type BurstOptions, detectBursts } from '../../src/assistant/index.js';
import { Random } from '../../src/core/index.js';

export interface SyntheticBurstOptions {
  topics: number;
  weeks: number;
  /** Bursts per topic, placed after the detectors' warm-up (the first 2 weeks). */
  burstsPerTopic: number;
  seed: number;
}

interface Burst {
  topic: number;
  start: number;
  end: number;
}

export interface DetectorScore {
  /** Flagged bins inside an injected burst (1 h of slack after it) / flagged bins. */
  binPrecision: number;
  /** Injected bursts with at least one flagged bin / injected bursts. */
  recall: number;
  /** Flagged bins outside bursts per topic-week: the alarm rate a creator would see. */
  falseAlarmsPerTopicWeek: number;
}

export function syntheticBurstBench(
  options: SyntheticBurstOptions,
  detectors: Record<string, BurstOptions>,
): { injected: number; detectors: Record<string, DetectorScore> } {
  const random = new Random(options.seed);
  const hours = options.weeks * 168;
  const series: Float64Array[] = [];
  const bursts: Burst[] = [];
  for (let topic = 0; topic < options.topics; topic++) {
    // Base rate from 0.3 to 30 events an hour, log-uniform; evening peak and weekend lift vary per topic.
    const base = 0.3 * 100 ** random.next();
    const evening = 1 + 3 * random.next();
    const weekend = 0.7 + 0.8 * random.next();
    const rate = new Float64Array(hours);
    let dayLevel = 1;
    for (let t = 0; t < hours; t++) {
      if (t % 24 === 0) dayLevel = Math.exp(0.15 * random.normal()); // day-to-day overdispersion
      const hour = t % 24;
      const diurnal = hour < 7 ? 0.3 : hour >= 19 && hour <= 22 ? evening : 1;
      rate[t] = base * diurnal * (t % 168 >= 120 ? weekend : 1) * dayLevel;
    }
    for (let k = 0; k < options.burstsPerTopic; k++) {
      const length = 2 + random.int(7); // 2..8 hours
      const start = 2 * 168 + random.int(hours - 2 * 168 - length);
      const lift = 2 + 3 * random.next(); // x2..x5, at least +4 events an hour
      for (let t = start; t < start + length; t++) rate[t] = rate[t]! * lift + 4;
      bursts.push({ topic, start, end: start + length - 1 });
    }
    series.push(Float64Array.from(rate, (mean) => poisson(mean, random)));
  }
  const scores: Record<string, DetectorScore> = {};
  for (const [name, detector] of Object.entries(detectors)) {
    let flagged = 0;
    let inside = 0;
    let found = 0;
    series.forEach((counts, topic) => {
      const result = detectBursts(counts, detector);
      const own = bursts.filter((burst) => burst.topic === topic);
      for (let t = 2 * 168; t < hours; t++) {
        if (result.burst[t] !== 1) continue;
        flagged++;
        if (own.some((burst) => t >= burst.start && t <= burst.end + 1)) inside++;
      }
      for (const burst of own) {
        let hit = false;
        for (let t = burst.start; t <= burst.end && !hit; t++) hit = result.burst[t] === 1;
        if (hit) found++;
      }
    });
    scores[name] = {
      binPrecision: flagged > 0 ? inside / flagged : 0,
      recall: found / bursts.length,
      falseAlarmsPerTopicWeek: (flagged - inside) / (options.topics * (options.weeks - 2)),
    };
  }
  return { injected: bursts.length, detectors: scores };
}

function poisson(mean: number, random: Random): number {
  if (mean > 60) return Math.max(0, Math.round(mean + Math.sqrt(mean) * random.normal()));
  let k = 0;
  let p = Math.exp(-mean);
  let cdf = p;
  const u = random.next();
  while (u > cdf && k < 1000) {
    k++;
    p *= mean / k;
    cdf += p;
  }
  return k;
}
