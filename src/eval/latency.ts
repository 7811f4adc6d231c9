import type { Random } from '../core/index.js';
import type { EvalPhase } from './split.js';

/** Median and 99th percentile of per-call times, in milliseconds. */
export interface LatencySummary {
  p50: number;
  p99: number;
  /** Calls timed. */
  calls: number;
}

/** Nearest-rank percentiles of `milliseconds` (unsorted; not modified). */
export function latencySummary(milliseconds: readonly number[]): LatencySummary {
  const sorted = [...milliseconds].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return { p50: at(0.5), p99: at(0.99), calls: sorted.length };
}

/**
 * Up to `count` users of a phase that evaluation would score (a target and a
 * non-empty history), drawn at random without replacement, in ascending order.
 */
export function sampleEvaluatedUsers(phase: EvalPhase, count: number, random: Random): number[] {
  const evaluable: number[] = [];
  phase.targets.forEach((targets, user) => {
    if (targets.length > 0 && phase.history[user]!.length > 0) evaluable.push(user);
  });
  const chosen = count >= evaluable.length ? evaluable : random.shuffle(evaluable).slice(0, count);
  return chosen.sort((a, b) => a - b);
}

/** Times `call(user)` for every user: per-call latency in milliseconds. */
export function timePerUser(users: readonly number[], call: (user: number) => void): LatencySummary {
  const times = users.map((user) => {
    const start = performance.now();
    call(user);
    return performance.now() - start;
  });
  return latencySummary(times);
}
