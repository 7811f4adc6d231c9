import { describe, expect, it } from 'vitest';
import { Random } from '../core/index.js';
import { latencySummary, sampleEvaluatedUsers, timePerUser } from './latency.js';
import type { EvalPhase } from './split.js';

describe('latency helpers', () => {
  it('takes nearest-rank percentiles', () => {
    const times = Array.from({ length: 100 }, (_, i) => 100 - i); // 1..100 reversed
    expect(latencySummary(times)).toEqual({ p50: 50, p99: 99, calls: 100 });
    expect(latencySummary([])).toEqual({ p50: 0, p99: 0, calls: 0 });
  });

  it('samples only users evaluation would score', () => {
    const list = (values: number[][]) => values.map((value) => Int32Array.from(value));
    const phase: EvalPhase = {
      name: 'test',
      fit: list([[0], [], [1], [2]]),
      history: list([[0], [], [1], [2]]),
      exclude: list([[0], [], [1], [2]]),
      targets: list([[1], [2], [], [3]]),
    };
    expect(sampleEvaluatedUsers(phase, 10, new Random(1))).toEqual([0, 3]);
    expect(sampleEvaluatedUsers(phase, 1, new Random(1))).toHaveLength(1);
    const summary = timePerUser([0, 3], () => {});
    expect(summary.calls).toBe(2);
    expect(summary.p99).toBeGreaterThanOrEqual(summary.p50);
  });
});
