import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../sqlite-store.js';
import type { Store } from '../store.js';
import { importData } from './import-data.js';

/**
 * `genfeed import` holds records to the bounds of the HTTP API (issue 15,
 * items 4-6): the probe values that were accepted are refused naming the line
 * and field, nothing is stored, and the edges are accepted.
 */

const DAY_MS = 86_400_000;

let directory = '';
let store: Store | undefined;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'genfeed-bounds-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});
afterEach(async () => {
  await store?.close();
  store = undefined;
});

let files = 0;
async function jsonl(...records: object[]): Promise<string> {
  const path = join(directory, `records-${files++}.jsonl`);
  const lines = [{ type: 'item', id: 'v1' }, ...records].map((record) => JSON.stringify(record));
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

const event = (extra: Record<string, unknown>) => ({
  type: 'event',
  userId: 'u1',
  itemId: 'v1',
  time: Date.now(),
  ...extra,
});

describe('import bounds', () => {
  it.each([
    ['time', event({ time: 8.64e15 })],
    ['time', event({ time: '9999-12-31T00:00:00Z' })],
    ['time', event({ time: '0001-01-01T00:00:00Z' })],
    ['uploadTime', { type: 'item', id: 'v2', uploadTime: Date.now() + 2 * DAY_MS }],
    ['signals.playTimeMs', event({ signals: { playTimeMs: 1e308 } })],
    ['label', event({ label: 1e308 })],
    ['features.fans', { type: 'user', id: 'u1', features: { fans: 1e308 } }],
    ['id', { type: 'item', id: 'x'.repeat(100_000) }],
    ['id', { type: 'item', id: '   ' }],
    ['itemId', event({ itemId: 'x'.repeat(513) })],
  ])('refuses %s of %j on line 2, storing nothing', async (field, record) => {
    store = await openSqliteStore({ path: ':memory:' });
    const path = await jsonl(record);
    await expect(importData(store, path, { batchSize: 1 })).rejects.toThrow(
      new RegExp(`^Cannot parse line 2 of records-\\d+\\.jsonl: field "${field.replace('.', '\\.')}": `),
    );
    expect(await store.counts()).toMatchObject({ items: 1, users: 0, events: 0 });
  });

  it('accepts the edges, and a time back to 1970 (research logs are old)', async () => {
    store = await openSqliteStore({ path: ':memory:' });
    const path = await jsonl(
      event({ id: 'e1', time: 0, label: -1000, position: 10_000, signals: { playTimeMs: DAY_MS } }),
      event({ id: 'e2', time: Date.now() + DAY_MS - 60_000, label: 1000 }),
      { type: 'item', id: 'x'.repeat(512), uploadTime: '1995-01-01T00:00:00Z' },
    );
    expect(await importData(store, path)).toMatchObject({ items: 2, events: 2 });
  });

  it('takes the time window from the options', async () => {
    store = await openSqliteStore({ path: ':memory:' });
    const path = await jsonl(event({ time: Date.now() - 2 * DAY_MS }));
    await expect(
      importData(store, path, { timeWindow: { pastMs: DAY_MS, futureMs: DAY_MS } }),
    ).rejects.toThrow(/field "time": expected a time from/);
  });

  it('holds dataset formats to the same bounds: an overlong MovieLens user id', async () => {
    const folder = join(directory, 'movielens');
    await mkdir(folder, { recursive: true });
    const long = 'u'.repeat(600);
    await writeFile(
      join(folder, 'ratings.csv'),
      `userId,movieId,rating,timestamp\n1,10,4.0,964982703\n${long},20,3.5,964981247\n2,10,1e308,964981247\n`,
    );
    store = await openSqliteStore({ path: ':memory:' });
    await expect(importData(store, folder)).rejects.toThrow(
      /^Cannot parse ratings\.csv: field "userId": must be at most 512 characters, got "u+(\.\.\.)?/,
    );
    await store.close();
    store = await openSqliteStore({ path: ':memory:' });
    const summary = await importData(store, folder, { skipBadRows: true });
    expect(summary.events).toBe(1);
    expect(summary.reports[0]).toMatchObject({ rows: 1, skipped: 2 });
    expect(summary.reports[0]!.errors[1]).toMatch(/field "label": expected a number from -1000 to 1000/);
  });
});
