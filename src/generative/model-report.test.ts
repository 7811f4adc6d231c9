import { describe, expect, it } from 'vitest';
import { Random, silentLogger, silentProgress } from '../core/index.js';
import type { EvalPhase } from '../eval/index.js';
import { GenerativeRecommender } from './generative-spec.js';
import { WARM_UP_CALLS } from './model-report.js';
import { SasRecRecommender } from './sasrec-spec.js';

const sequences = Array.from({ length: 40 }, (_, user) =>
  Int32Array.from({ length: 5 }, (_, i) => (user + i) % 20),
);
const data = { numUsers: sequences.length, numItems: 20, sequences };
const context = { random: new Random(1), logger: silentLogger, progress: silentProgress };
const phase: EvalPhase = {
  name: 'test',
  fit: sequences,
  history: sequences.map((sequence) => sequence.subarray(0, -1)),
  exclude: sequences.map((sequence) => sequence.subarray(0, -1)),
  targets: sequences.map((sequence) => sequence.subarray(-1)),
};
const tiny = { dim: 16, layers: 1, heads: 1, epochs: 1, batchSize: 16, maxItems: 8, maxLength: 8 };

describe('report extras of the neural recommenders', () => {
  it('generative: tokenizer statistics and beam latency at 20 and 50', async () => {
    const model = new GenerativeRecommender({
      ...tiny,
      levels: 2,
      codebookSize: 4,
      vectorDim: 8,
      beamWidth: 4,
    });
    await model.fit(data, context);
    const report = model.report(phase, { random: new Random(2), numItems: 20 }) as {
      tokenizer: { utilisation: number[]; collisionRate: number; reconstructionErrorByLevel: number[] };
      beamLatencyMs: Record<string, { p50: number; p99: number; calls: number }>;
      beamWarmUpMs: Record<string, { calls: number }>;
    };
    expect(report.tokenizer.utilisation).toHaveLength(2);
    expect(report.tokenizer.reconstructionErrorByLevel).toHaveLength(2);
    expect(report.tokenizer.collisionRate).toBeGreaterThanOrEqual(0);
    expect(Object.keys(report.beamLatencyMs)).toEqual(['beam20', 'beam50']);
    expect(report.beamLatencyMs.beam50!.calls).toBe(40);
    expect(report.beamLatencyMs.beam50!.p99).toBeGreaterThanOrEqual(report.beamLatencyMs.beam50!.p50);
    // The untimed warm-up calls are reported apart: the first WARM_UP_CALLS users (all 40 are more).
    expect(report.beamWarmUpMs.beam20!.calls).toBe(WARM_UP_CALLS);
  });

  it('sasrec: per-user scoring latency', async () => {
    const model = new SasRecRecommender(tiny);
    await model.fit(data, context);
    const report = model.report(phase, { random: new Random(2), numItems: 20 });
    expect(report.scoringLatencyMs).toMatchObject({ calls: 40 });
  });
});
