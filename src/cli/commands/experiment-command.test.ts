import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../storage/index.js';
import type { CliIo } from '../cli-io.js';
import { main } from '../main.js';

const run = async (...args: string[]) => {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CliIo = {
    out: (text) => void stdout.push(text),
    logger: {
      info: (message) => void stderr.push(message),
      warn: (message) => void stderr.push(`warning: ${message}`),
      error: (message) => void stderr.push(`error: ${message}`),
      debug: () => {},
    },
    interactive: false,
  };
  const code = await main(['node', 'genfeed', ...args], io);
  return { code, out: stdout.join('\n'), err: stderr.join('\n') };
};

describe('genfeed experiment', () => {
  it('sets and lists a split, and reports per pipeline from the logged feeds and events', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'genfeed-experiment-cli-')), 'store.sqlite');
    const set = await run('experiment', 'set', 'ab', '--split', 'generative=25,cascade=75', '--db', db);
    expect(set).toMatchObject({ code: 0, out: 'experiment ab: cascade 75.0%, generative 25.0%' });
    expect((await run('experiment', 'list', '--db', db)).out).toBe('ab\tgenerative=25,cascade=75\t');
    const bad = await run('experiment', 'set', 'ab', '--split', 'generative=lots', '--db', db);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain(
      'expected name=weight pairs like generative=25,cascade=75, got "generative=lots"',
    );
    expect((await run('experiment', 'set', 'ab', '--split', 'generative=0', '--db', db)).err).toContain(
      'experiment "ab": split weights sum to 0',
    );

    const store = await openSqliteStore({ path: db });
    const time = Date.UTC(2026, 3, 1);
    for (const [pipeline, users, cpuMs] of [
      ['generative', ['g1', 'g2'], 1],
      ['cascade', ['c1', 'c2', 'c3'], 8],
    ] as const) {
      await store.insertFeeds(
        users.map((userId) => ({
          requestId: `r-${userId}`,
          userId,
          pipeline,
          experiment: 'ab',
          time,
          items: [{ itemId: 'v1' }],
          cpuMs,
          latencyMs: cpuMs,
        })),
      );
      await store.upsertEvents(
        users.map((userId, i) => ({
          id: `e-${userId}`,
          userId,
          itemId: 'v1',
          time: time + 1,
          requestId: `r-${userId}`,
          pipeline,
          experiment: 'ab',
          signals: { playTimeMs: (i + 1) * 10_000, like: 1 },
        })),
        { createMissing: true },
      );
    }
    await store.close();
    const report = await run('experiment', 'report', '--experiment', 'ab', '--db', db);
    expect(report.code).toBe(0);
    expect(report.out).toMatch(/^pipeline\s+requests\s+users\s+stay s\/user-day/);
    expect(report.out).toMatch(/\ngenerative\s+2\s+2\s+15\.0 \[/);
    expect(report.out).toMatch(/\ncascade\s+3\s+3\s+20\.0 \[/);
    expect(report.out).toContain('generative vs cascade: stay time -25.0');
    expect(report.out).toContain('cpu ratio 0.125');
    const json = JSON.parse(
      (await run('experiment', 'report', '--db', db, '--json', '--since', '2026-04-01')).out,
    );
    expect(json.buckets.map((p: { pipeline: string }) => p.pipeline)).toEqual(['cascade', 'generative']);
    expect(
      (await run('experiment', 'report', '--db', db, '--since', '2027-01-01', '--until', '2027-01-02')).out,
    ).toBe('no feeds logged in this window');
    // Stopped: no longer listed, still reported from its logged feeds; stopping it again names it.
    expect((await run('experiment', 'stop', 'ab', '--db', db)).out).toBe(
      'experiment ab stopped (it ran cascade 75.0%, generative 25.0%)',
    );
    expect((await run('experiment', 'list', '--db', db)).out).toBe('');
    expect((await run('experiment', 'report', '--experiment', 'ab', '--db', db)).out).toMatch(
      /\ncascade\s+3\s+3/,
    );
    const again = await run('experiment', 'stop', 'ab', '--db', db);
    expect(again.code).not.toBe(0);
    expect(again.err).toContain('No experiment "ab" is running');
    expect((await run('experiment', 'report', '--experiment', 'typo', '--db', db)).err).toContain(
      'No experiment "typo"',
    );
  });
});
