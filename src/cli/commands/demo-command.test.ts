import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../storage/index.js';
import type { CliIo } from '../cli-io.js';
import { main } from '../main.js';

describe('genfeed demo', () => {
  it('runs unattended end to end at tiny sizes: both pipelines served over HTTP, events stored, JSON summary written', async () => {
    const root = mkdtempSync(join(tmpdir(), 'genfeed-demo-'));
    const dir = join(root, 'demo');
    const json = join(root, 'out.json');
    const stdout: string[] = [];
    const io: CliIo = {
      out: (text) => void stdout.push(text),
      logger: { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} },
      interactive: false,
    };
    const code = await main(
      [
        'node',
        'genfeed',
        'demo',
        ...['--duration', '5', '--json', json, '--dir', dir, '--port', '0'],
        ...['--users', '120', '--items', '300', '--days', '1', '--epochs', '1'],
        ...['--seconds-per-day', '3', '--summary-every', '1', '--seed', '5'],
      ],
      io,
    );
    expect(code).toBe(0);
    const out = stdout.join('\n');
    expect(out).toMatch(/API {7}http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toContain('/openapi.json');
    expect(out).toContain('final A/B summary');

    const result = JSON.parse(readFileSync(json, 'utf8'));
    const names: string[] = result.pipelines.map((pipeline: { name: string }) => pipeline.name);
    expect(names).toEqual(expect.arrayContaining(['generative', 'cascade']));
    // Users without a logged play get the cold-start feed until their first events land.
    expect(names.every((name) => ['generative', 'cascade', 'coldstart'].includes(name))).toBe(true);
    for (const pipeline of result.pipelines.filter((p: { name: string }) => p.name !== 'coldstart')) {
      expect(pipeline.requests).toBeGreaterThan(0);
      for (const key of [
        'stayTimePerUserDay',
        'cpuMsPerRequest',
        'p99Ms',
        'p50Ms',
        'satisfaction',
        'stayTimeCi95',
      ]) {
        expect(typeof pipeline[key]).toBe('number');
        expect(Number.isFinite(pipeline[key])).toBe(true);
      }
      expect(pipeline.stayTimePerUserDay).toBeGreaterThan(0);
      expect(pipeline.cpuMsPerRequest).toBeGreaterThan(0);
      expect(pipeline.signalRates.click).toBeGreaterThan(0);
      for (const rate of Object.values(pipeline.signalRates) as number[])
        expect(rate).toBeGreaterThanOrEqual(0);
    }
    expect(result.eventErrors).toBe(0);
    expect(result.eventsPosted).toBeGreaterThan(0);
    expect(Number.isFinite(result.cpuRatio.generative)).toBe(true);
    // The server's own report sees the same two buckets from the logged feeds and events.
    const reported = result.experimentReport.pipelines.map(
      (pipeline: { pipeline: string }) => pipeline.pipeline,
    );
    expect(reported).toEqual(expect.arrayContaining(['cascade', 'generative']));

    // Every posted event and served feed is in the store, beside the logged days.
    const store = await openSqliteStore({ path: join(dir, 'demo.sqlite') });
    try {
      const counts = await store.counts();
      expect(counts.events).toBe(result.training.loggedEvents + result.eventsPosted);
      const requests = result.pipelines.reduce(
        (sum: number, pipeline: { requests: number }) => sum + pipeline.requests,
        0,
      );
      expect(counts.requests).toBe(requests);
      expect((await store.activeModelVersion('generative'))?.metrics.recallAt10).toBe(
        result.training.generative.recallAt10,
      );
    } finally {
      await store.close();
    }
  }, 90_000);
});
