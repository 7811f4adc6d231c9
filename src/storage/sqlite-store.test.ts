import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationNames } from './migrations.js';
import { openSqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';
import { StoreUnavailableError } from './store-unavailable-error.js';
import { describeStoreContract } from './test-support/store-contract.js';

let directory = '';
let files = 0;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'genfeed-sqlite-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describeStoreContract('SQLite (file, WAL)', async ({ now }) => {
  const path = join(directory, `store-${files++}.sqlite`);
  const open = () => openSqliteStore({ path, ...(now && { now }) });
  const stores: Store[] = [await open()];
  return {
    store: stores[0]!,
    async reopen() {
      stores.push(await open());
      return stores.at(-1)!;
    },
    tables: { sqlite: path },
    async dispose() {
      for (const store of stores) await store.close();
    },
  };
});

describe('openSqliteStore', () => {
  it('opens the file in WAL mode, creating its folder, and migrates it once', async () => {
    const path = join(directory, 'nested', 'folder', 'genfeed.sqlite');
    const store = await openSqliteStore({ path });
    await store.upsertItems([{ id: 'v1' }]);
    await store.close();
    const again = await openSqliteStore({ path });
    expect(again.location).toBe(path);
    expect((await again.counts()).items).toBe(1);
    await again.close();

    const { default: BetterSqlite3 } = await import('better-sqlite3');
    const raw = new BetterSqlite3(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.prepare('select name from kysely_migration order by name').all()).toEqual(
      migrationNames.map((name) => ({ name })),
    );
    expect(migrationNames[0]).toBe('0001-initial');
    raw.close();
  });

  it('fills the rollups from the log when migration 0006 runs on a store written before it', async () => {
    const path = join(directory, 'before-rollups.sqlite');
    const store = await openSqliteStore({ path });
    const T0 = Date.UTC(2026, 0, 5);
    await store.insertFeeds(
      Array.from({ length: 12 }, (_, index) => ({
        requestId: `r${index}`,
        userId: `u${index % 3}`,
        pipeline: index % 2 ? 'generative' : 'cascade',
        ...(index % 4 === 0 && { experiment: 'ab' }),
        time: T0 + index * 5_000_000,
        items: [{ itemId: 'v1' }],
        latencyMs: 3,
        cpuMs: 1,
      })),
    );
    await store.upsertEvents(
      Array.from({ length: 30 }, (_, index) => ({
        id: `e${index}`,
        userId: `u${index % 4}`,
        itemId: `v${index % 5}`,
        time: T0 + index * 2_000_000,
        ...(index % 3 !== 0 && { pipeline: index % 2 ? 'generative' : 'cascade' }),
        signals: { click: (index % 2) as 0 | 1, playTimeMs: 100 * index },
      })),
    );
    const read = async (from: Store) => ({
      items: await from.itemTimeStats({ bucketMs: 43_200_000 }),
      hours: await from.hourlyEvents(),
      users: await from.dailyActiveUsers(),
      pipelines: await from.pipelineStats(),
      perUser: await from.pipelineUserStats({ since: T0, until: T0 + 86_400_000 }),
    });
    const before = await read(store);
    expect(before.hours.length).toBeGreaterThan(10);
    await store.close();

    // The file as a store before 0006 would have left it: no rollups, no triggers, 0006 not applied.
    const { default: BetterSqlite3 } = await import('better-sqlite3');
    const raw = new BetterSqlite3(path);
    for (const { name } of raw
      .prepare("select name from sqlite_master where type = 'trigger' and name like '%rollup%'")
      .all() as Array<{ name: string }>)
      raw.exec(`drop trigger ${name}`);
    raw.exec('drop table item_hour_stats; drop table active_user_days; drop table pipeline_user_days');
    raw.prepare('delete from kysely_migration where name = ?').run('0006-activity-rollups');
    raw.close();

    const migrated = await openSqliteStore({ path });
    expect(await read(migrated)).toEqual(before);
    await migrated.upsertEvents([{ id: 'late', userId: 'u9', itemId: 'v1', time: T0 + 10 }]);
    expect((await migrated.dailyActiveUsers()).find((row) => row.day === T0)?.users).toBe(
      before.users.find((row) => row.day === T0)!.users + 1,
    );
    await migrated.close();
  });

  it('logs concurrent feeds in shared commits from its worker, each readable once its call resolved', async () => {
    const path = join(directory, 'feeds.sqlite');
    const store = await openSqliteStore({ path });
    await store.upsertEvents([{ id: 'e0', userId: 'u0', itemId: 'v0', time: 1 }], { createMissing: true });
    const feed = (index: number) => ({
      requestId: `r${index}`,
      userId: `u${index % 7}`,
      pipeline: index % 2 ? 'generative' : 'cascade',
      time: 1_767_600_000_000 + index,
      items: [{ itemId: `v${index}`, score: index / 10 }, { itemId: `w${index}` }],
      latencyMs: 2,
      cpuMs: 1,
      stages: { rank: { latencyMs: 1, cpuMs: 0.5 } },
    });
    // Each call checks its own feed is in the file the moment it resolves (logged before the answer).
    const seenAtResolve = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        store.insertFeeds([feed(index)]).then(() => store.getFeed(`r${index}`)),
      ),
    );
    for (const [index, found] of seenAtResolve.entries()) expect(found).toEqual(feed(index));
    const stats = (store as unknown as { feedLogStats(): { commits: number; calls: number } }).feedLogStats();
    expect(stats.calls).toBe(40);
    expect(stats.commits).toBeLessThan(40); // shared transactions
    expect(await store.counts()).toMatchObject({ requests: 40, impressions: 80, events: 1 });
    await store.close();
    await expect(store.insertFeeds([feed(99)])).rejects.toThrow(/closed/);
  });

  it('commits concurrent ingest calls from its worker in shared transactions, each readable once it resolved', async () => {
    const path = join(directory, 'events.sqlite');
    const store = await openSqliteStore({ path });
    const events = (call: number) =>
      Array.from({ length: 3 }, (_, index) => ({
        id: `e${call}-${index}`,
        userId: `u${call % 5}`,
        itemId: `v${index}`,
        time: 1_767_600_000_000 + call * 10 + index,
        signals: { playTimeMs: 1000 + call },
      }));
    const readBack = await Promise.all(
      Array.from({ length: 30 }, (_, call) =>
        store
          .upsertEvents(events(call), { createMissing: true })
          .then(() => store.userEvents(`u${call % 5}`, { limit: 1000 })),
      ),
    );
    for (const [call, history] of readBack.entries())
      expect(history.map((event) => event.id)).toEqual(
        expect.arrayContaining(events(call).map((event) => event.id)),
      );
    const stats = (store as unknown as { ingestStats(): { commits: number; calls: number } }).ingestStats();
    expect(stats.calls).toBe(30);
    expect(stats.commits).toBeLessThan(30); // shared transactions
    expect(await store.counts()).toMatchObject({ events: 90, users: 5, items: 3 });
    // A replayed event replaces the stored one (same id), through the worker too.
    await store.upsertEvents([{ ...events(0)[0]!, signals: { playTimeMs: 7 } }]);
    await store.close();
    const again = await openSqliteStore({ path });
    const stored = (await again.exportEvents({ limit: 1000 })).records.find((event) => event.id === 'e0-0');
    expect(stored?.signals).toEqual({ playTimeMs: 7 });
    await again.close();
    await expect(store.upsertEvents(events(99))).rejects.toThrow(/closed/);
  });

  it('runs long reads on a read-only connection in a worker, which sees every acknowledged write', async () => {
    const path = join(directory, 'reader.sqlite');
    const store = await openSqliteStore({ path });
    const time = 1_767_600_000_000;
    for (let round = 0; round < 3; round++) {
      await store.upsertEvents([{ id: `e${round}`, userId: 'u1', itemId: `v${round}`, time: time + round }], {
        createMissing: true,
      });
      // Read right after the acknowledgement, through the reader: never a stale page.
      expect((await store.exportEvents()).records.map((event) => event.id)).toHaveLength(round + 1);
      expect((await store.popularItems({ since: 0 })).length).toBe(round + 1);
    }
    const { SqliteReader } = await import('./sqlite-reader.js');
    const reader = new SqliteReader({ path, busyTimeoutMs: 1000, pageCacheKb: 2048 });
    expect(await reader.query('select count(*) as n from events', [])).toEqual([{ n: 3 }]);
    // Its page cache is the one asked for (better-sqlite3's default would be 16 MB).
    expect(await reader.query('pragma cache_size', [])).toEqual([{ cache_size: -2048 }]);
    await expect(reader.query('delete from events', [])).rejects.toThrow(/Cannot read .*reader\.sqlite: /);
    await reader.close();
    await expect(reader.query('select 1', [])).rejects.toThrow(/closed/);
    await store.close();
    await expect(store.exportEvents()).rejects.toThrow();
  });

  it('warns of a write that waited over a second in its worker, with the WAL size', async () => {
    const path = join(directory, 'slow.sqlite');
    const warnings: string[] = [];
    const store = await openSqliteStore({ path, logger: { warn: (message) => void warnings.push(message) } });
    await store.upsertEvents([{ id: 'e0', userId: 'u0', itemId: 'v0', time: 1 }], { createMissing: true });
    expect(warnings).toEqual([]);
    // Another connection holds the write lock for 1.2 s: the worker's next write waits it out.
    const { default: BetterSqlite3 } = await import('better-sqlite3');
    const other = new BetterSqlite3(path);
    other.prepare('BEGIN IMMEDIATE').run();
    const release = setTimeout(() => other.prepare('COMMIT').run(), 1200);
    await store.upsertEvents([{ id: 'e1', userId: 'u0', itemId: 'v0', time: 2 }]);
    clearTimeout(release);
    other.close();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^SQLite ingest write took 1\d{3} ms in .*slow\.sqlite \(WAL \d+\.\d MiB\)$/);
    expect((await store.counts()).events).toBe(2);
    await store.close();
  });

  it('refuses a page cache that is not a positive number of megabytes', async () => {
    for (const pageCacheMb of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(openSqliteStore({ path: ':memory:', pageCacheMb })).rejects.toThrow(
        /pageCacheMb must be a positive number of megabytes/,
      );
    }
  });

  it('works in memory for tests', async () => {
    const store = await openSqliteStore({ path: ':memory:' });
    await store.upsertUsers([{ id: 'u1' }]);
    expect(await store.counts()).toEqual({ items: 0, users: 1, requests: 0, impressions: 0, events: 0 });
    expect(store.backend).toBe('sqlite');
    await store.close();
    await store.close();
  });

  it('fails with the path when the file is not a database', async () => {
    const { writeFile } = await import('node:fs/promises');
    const path = join(directory, 'not-a-database.sqlite');
    await writeFile(path, 'this is plain text, not SQLite, and long enough to fill a header page...');
    await expect(openSqliteStore({ path })).rejects.toThrow(StoreUnavailableError);
    await expect(openSqliteStore({ path })).rejects.toThrow(
      /^Cannot open the SQLite database .*not-a-database\.sqlite: file is not a database$/,
    );
  });
});
