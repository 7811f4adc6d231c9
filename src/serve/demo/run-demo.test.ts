import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../storage/index.js';
import { runDemo } from './run-demo.js';

describe('genfeed demo end to end (tiny)', () => {
  it('trains, serves both pipelines over HTTP and stores the simulated users’ events', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'genfeed-demo-')), 'demo');
    const summaries: number[] = [];
    const result = await runDemo({
      dir,
      port: 0,
      users: 120,
      items: 300,
      days: 1,
      seed: 5,
      generative: { epochs: 1, dim: 32, codebookSize: 16, batchSize: 32 },
      rewardEpochs: 1,
      secondsPerDay: 3,
      durationSeconds: 5,
      summaryEverySeconds: 1,
      onSummary: (summary) => summaries.push(summary.pipelines.length),
    });
    const names = result.pipelines.map((pipeline) => pipeline.name);
    expect(names).toContain('generative');
    expect(names).toContain('cascade');
    // Users without a logged play get the cold-start feed until their first events land.
    expect(names.every((name) => ['generative', 'cascade', 'coldstart'].includes(name))).toBe(true);
    for (const pipeline of result.pipelines.filter((p) => p.name !== 'coldstart')) {
      expect(pipeline.requests).toBeGreaterThan(0);
      expect(pipeline.impressions).toBeGreaterThan(0);
      for (const key of ['stayTimePerUserDay', 'cpuMsPerRequest', 'p99Ms', 'p50Ms', 'satisfaction'] as const)
        expect(Number.isFinite(pipeline[key])).toBe(true);
      expect(pipeline.stayTimePerUserDay).toBeGreaterThan(0);
      expect(pipeline.cpuMsPerRequest).toBeGreaterThan(0);
      for (const rate of Object.values(pipeline.signalRates)) expect(rate).toBeGreaterThanOrEqual(0);
      expect(pipeline.signalRates.click).toBeGreaterThan(0);
    }
    expect(summaries.length).toBeGreaterThan(0);
    expect(result.eventErrors).toBe(0);
    expect(result.eventsPosted).toBeGreaterThan(0);
    // Every posted event and served feed is in the store, beside the logged days.
    const store = await openSqliteStore({ path: join(dir, 'demo.sqlite') });
    try {
      const counts = await store.counts();
      expect(counts.events).toBe(result.training.loggedEvents + result.eventsPosted);
      const requests = result.pipelines.reduce((sum, pipeline) => sum + pipeline.requests, 0);
      expect(counts.requests).toBe(requests);
      const stats = await store.pipelineStats({ experiment: 'demo-ab' });
      const served = stats.filter((row) => row.requests > 0).map((row) => row.pipeline);
      expect(served).toEqual(expect.arrayContaining(['cascade', 'generative']));
    } finally {
      await store.close();
    }
    // The server's own report sees the same two buckets from the logged feeds and events.
    const reported = result.experimentReport.pipelines.map((pipeline) => pipeline.pipeline);
    expect(reported).toEqual(expect.arrayContaining(['cascade', 'generative']));
    expect(JSON.parse(JSON.stringify(result)).pipelines[0].name).toBeTypeOf('string');
  }, 90_000);
});
