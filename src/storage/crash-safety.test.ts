import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { openSqliteStore } from './sqlite-store.js';
import { spawnTypeScript } from './test-support/run-typescript.js';

let directory = '';
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'genfeed-crash-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('SQLite crash safety', () => {
  it('keeps every acknowledged batch and group-committed feed log when the writer is killed with SIGKILL', async () => {
    const path = join(directory, 'crash.sqlite');
    const batchSize = 500;
    const child = spawnTypeScript(new URL('./test-support/crash-writer.ts', import.meta.url), [
      path,
      String(batchSize),
      'feeds', // four concurrent feed-logging loops besides the ingest batches
    ]);
    // A failed or timed-out run must not leave the writer running.
    onTestFinished(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const feeds: string[] = [];
    // Kill it mid-stream, after some batches were acknowledged (the next one is likely half-written).
    const acknowledged = await new Promise<number>((resolve, reject) => {
      let last = -1;
      let buffered = '';
      child.stdout?.on('data', (chunk) => {
        buffered += chunk;
        for (const match of buffered.matchAll(/ack (\d+)\n/g)) last = Number(match[1]);
        for (const match of buffered.matchAll(/feed (\S+)\n/g)) feeds.push(match[1]!);
        buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
        if (last >= 10 && feeds.length >= 40 && child.exitCode === null && !child.killed) {
          child.kill('SIGKILL');
        }
      });
      child.on('exit', (code, signal) => {
        if (signal === 'SIGKILL') resolve(last);
        else reject(new Error(`the writer exited by itself (code ${code}): ${stderr}`));
      });
    });
    expect(acknowledged).toBeGreaterThanOrEqual(10);

    const store = await openSqliteStore({ path });
    const events = (await store.counts()).events;
    // Every acknowledged batch, whole; at most the one in flight beyond them, also whole (one transaction).
    expect(events).toBeGreaterThanOrEqual((acknowledged + 1) * batchSize);
    expect(events % batchSize).toBe(0);
    const firstOfLast = await store.exportEvents({
      since: 1_767_600_000_000 + acknowledged * batchSize,
      limit: 1,
    });
    expect(firstOfLast.records[0]?.id).toBe(`b${acknowledged}-e0`);
    // Every acknowledged feed (answered only after its group commit), whole; none half-written.
    const counts = await store.counts();
    expect(counts.requests).toBeGreaterThanOrEqual(feeds.length);
    expect(counts.impressions).toBe(2 * counts.requests);
    for (const requestId of feeds) expect((await store.getFeed(requestId))?.items).toHaveLength(2);
    await store.close();
  }, 30_000);
});
