import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../storage/index.js';
import type { CliIo } from '../cli-io.js';
import { main } from '../main.js';
import { packageRoot } from '../package-paths.js';

function captureIo(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (text) => void stdout.push(text),
    logger: {
      info: (message) => void stderr.push(message),
      warn: (message) => void stderr.push(`warning: ${message}`),
      error: (message) => void stderr.push(`error: ${message}`),
      debug: () => {},
    },
    interactive: false,
  };
}

const run = async (...args: string[]) => {
  const io = captureIo();
  const code = await main(['node', 'genfeed', ...args], io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
};

describe('genfeed import', () => {
  it('imports a data set into a SQLite file, and a second run leaves the same rows', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'genfeed-import-cli-')), 'store.sqlite');
    const data = join(packageRoot, 'fixtures/data/kuairand');
    const first = await run('import', data, '--db', db);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/format\s+kuairand/);
    expect(first.out).toMatch(/written\s+3 items, 2 users, 5 events/);
    expect(first.out).toMatch(/store holds\s+4 items, 3 users, 5 events/);
    const second = await run('import', data, '--db', db, '--format', 'kuairand', '--batch-size', '2');
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/store holds\s+4 items, 3 users, 5 events/);
    const store = await openSqliteStore({ path: db });
    expect((await store.counts()).events).toBe(5);
    await store.close();
  });

  it('stops at a bad row naming file and line, or skips it with --skip-bad-rows and lists it', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'genfeed-import-cli-'));
    const data = join(folder, 'events.jsonl');
    writeFileSync(
      data,
      '{"type":"event","userId":"u1","itemId":"v1","time":1}\n{"type":"event","userId":"u1","itemId":"v1"}\n',
    );
    const db = join(folder, 'store.sqlite');
    const failed = await run('import', data, '--db', db);
    expect(failed.code).toBe(2);
    expect(failed.err).toMatch(/error: Cannot parse line 2 of events\.jsonl: field "time"/);
    const skipped = await run('import', data, '--db', db, '--skip-bad-rows');
    expect(skipped.code).toBe(0);
    expect(skipped.out).toMatch(/skipped rows\s+1/);
    expect(skipped.err).toMatch(/skipped 1 bad row\(s\) of .*events\.jsonl \(1 read\)/);
    expect(skipped.err).toMatch(/line 2 of events\.jsonl/);
  });

  it('names file and line of a line nested 100,000 deep, without running out of stack', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'genfeed-import-cli-'));
    const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const db = join(folder, 'store.sqlite');
    for (const [name, line] of [
      ['caption.jsonl', `{"type":"item","id":"v1","caption":${deep(100_000)}}`],
      ['type.jsonl', `{"type":${deep(100_000)}}`],
      ['objects.jsonl', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`],
    ] as const) {
      writeFileSync(join(folder, name), `{"type":"item","id":"v0"}\n${line}\n`);
      const failed = await run('import', join(folder, name), '--db', db);
      expect(failed.err).not.toMatch(/call stack/);
      expect(failed.err).toContain(`error: Cannot parse line 2 of ${name}: nested deeper than 64 levels`);
      expect(failed.code).toBe(2);
    }
  });

  it('refuses --db and --postgres together', async () => {
    const result = await run('import', 'x', '--db', 'a.sqlite', '--postgres', 'postgresql://localhost/x');
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/cannot be used with option '--postgres/);
  });
  it('takes the time window from --time-window-past-days and --time-window-future-days', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'genfeed-import-cli-'));
    const DAY_MS = 86_400_000;
    const now = Date.now();
    const line = (id: string, time: number) =>
      `${JSON.stringify({ type: 'event', id, userId: 'u1', itemId: 'v1', time })}\n`;
    const db = join(folder, 'store.sqlite');
    // Narrowed: a 2010 event is accepted by default (back to 1970), refused with a 30-day past.
    const old = join(folder, 'old.jsonl');
    writeFileSync(old, line('old', Date.parse('2010-01-01T00:00:00Z')));
    expect((await run('import', old, '--db', join(folder, 'default.sqlite'))).code).toBe(0);
    const narrowed = await run('import', old, '--db', db, '--time-window-past-days', '30');
    expect(narrowed.code).toBe(2);
    expect(narrowed.err).toMatch(/Cannot parse line 1 of old\.jsonl: field "time": expected a time from/);
    // Widened: an event 3 days ahead is refused by default (1 day), accepted with 7 days ahead.
    const ahead = join(folder, 'ahead.jsonl');
    writeFileSync(ahead, line('ahead', now + 3 * DAY_MS));
    const refused = await run('import', ahead, '--db', db);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/field "time": expected a time from/);
    const widened = await run('import', ahead, '--db', db, '--time-window-future-days', '7');
    expect(widened.code).toBe(0);
    expect(widened.out).toMatch(/store holds\s+1 items, 1 users, 1 events/);
    // "unlimited" lifts a side: the 2010 event with the past unlimited and the future narrowed.
    const unlimited = await run(
      'import',
      old,
      '--db',
      db,
      '--time-window-past-days',
      'unlimited',
      '--time-window-future-days',
      '0.5',
    );
    expect(unlimited.code).toBe(0);
  });

  it.each([
    ['--time-window-past-days', '-3'],
    ['--time-window-future-days', '1e400'],
    ['--time-window-future-days', 'Infinity'],
  ])('refuses %s %j, naming the flag', async (flag, value) => {
    const result = await run('import', 'x', '--db', 'a.sqlite', flag, value);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`option '${flag} <days>' argument '${value}' is invalid`);
    expect(result.err).toContain('expected a positive number of days (0.5 is 12 hours) or "unlimited"');
  });
  it('lists the time window flags with their defaults in its help', async () => {
    const help = (await run('import', '--help')).out.replace(/\s+/g, ' ');
    expect(help).toMatch(/--time-window-past-days <days> .* default unlimited\)/);
    expect(help).toMatch(/--time-window-future-days <days> .* default 1 day\)/);
  });
});
