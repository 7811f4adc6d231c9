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
});
