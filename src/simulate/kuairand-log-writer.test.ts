import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readKuaiRandLog } from '../data/index.js';
import { runAbTest } from './ab-test.js';
import { KuaiRandLogWriter, kuaiRandLogColumns } from './kuairand-log-writer.js';
import { findPolicy } from './policies.js';
import { isClick, isLongView } from './response-model.js';
import { smallEnvironment } from './test-support/small-world.js';

describe('KuaiRand log output', () => {
  it('writes impressions the KuaiRand reader reads back, with consistent signals and no hidden satisfaction', async () => {
    const environment = await smallEnvironment({ users: 150 });
    const path = join(mkdtempSync(join(tmpdir(), 'genfeed-log-')), 'log_standard_sim.csv');
    const writer = new KuaiRandLogWriter(environment.world, path, (impression) => impression.bucket === 1);
    await runAbTest(environment, {
      policies: ['pop', 'random'].map(findPolicy),
      days: 2,
      users: 150,
      seeds: 1,
      warmupDays: 1,
      log: writer,
    });
    writer.close();
    const text = readFileSync(path, 'utf8');
    expect(text.split('\n')[0]).toBe(kuaiRandLogColumns.join(','));
    expect(text).not.toMatch(/satisfaction/);
    const rows = [];
    for await (const row of readKuaiRandLog(path)) rows.push(row);
    expect(rows).toHaveLength(writer.rows);
    expect(rows.length).toBeGreaterThan(1000);
    for (const row of rows.slice(0, 2000)) {
      const signals = row.signals!;
      expect(signals.click).toBe(isClick(signals.playTimeMs!, signals.durationMs!));
      expect(signals.longView).toBe(isLongView(signals.playTimeMs!, signals.durationMs!));
      expect(row.time).toBeGreaterThanOrEqual(Date.parse('2022-04-08T00:00:00Z') / 1000);
    }
    expect(rows.some((row) => row.isRandom)).toBe(true);
    expect(rows.some((row) => !row.isRandom)).toBe(true);
  });
});
