import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore, openSqliteStore, type Store } from '../storage/index.js';
import { FeedService } from './feed-service.js';
import type { FeedSource } from './feed-source.js';
import { PopularFeedSource } from './http/popular-feed-source.js';
import { type TestApp, testApp, testKeys } from './test-support/test-app.js';

const REQUESTS = 50;
const FEED_SIZE = 10;
/** Enough items that every feed can be full without repeating one. */
const CATALOGUE = 1000;

/**
 * One backend's "servers": each `open` is a separate store (its own
 * connections, its own queue of writes) on the same data, as genfeed
 * servers of a cluster are.
 */
interface Backend {
  name: string;
  open: () => Promise<Store>;
  dispose: () => Promise<void>;
  /** Whether separately opened stores share the data (no: `:memory:`, whose `open` answers one store). */
  shared: boolean;
}

const folder = await mkdtemp(join(tmpdir(), 'genfeed-concurrent-'));
afterAll(() => rm(folder, { recursive: true, force: true }));
const sqlitePath = join(folder, 'feeds.sqlite');
let memory: Promise<Store> | undefined;
const backends: Backend[] = [
  {
    name: 'SQLite',
    open: () => openSqliteStore({ path: sqlitePath }),
    dispose: async () => {},
    shared: true,
  },
  {
    name: 'SQLite in memory',
    open: () => {
      memory ??= openSqliteStore({ path: ':memory:' });
      return memory;
    },
    dispose: async () => {},
    shared: false,
  },
];
const postgresUrl = process.env.GENFEED_TEST_POSTGRES_URL;
if (postgresUrl !== undefined) {
  const schema = `genfeed_concurrent_${randomBytes(4).toString('hex')}`;
  backends.push({
    name: 'PostgreSQL',
    open: () => openPostgresStore({ connectionString: postgresUrl, schema, maxConnections: 4 }),
    dispose: async () => {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
    shared: true,
  });
}

/** The feed sources that must keep the promise: the real service, and the model-free one the HTTP tests use. */
const sources: Array<{ source: string; create: (store: Store) => FeedSource }> = [
  { source: 'FeedService', create: (store) => new FeedService({ store }) },
  { source: 'PopularFeedSource', create: (store) => new PopularFeedSource(store) },
];

/**
 * A server: an app over its own store and feed source; `refused` counts the
 * claims its store refused (another server showed some of the feed's items first).
 */
async function server(
  store: Store,
  create: (store: Store) => FeedSource,
): Promise<TestApp & { refused: () => number }> {
  let refused = 0;
  const claimFeed: Store['claimFeed'] = async (feed, options) => {
    const claim = await store.claimFeed(feed, options);
    if (!claim.recorded) refused += 1;
    return claim;
  };
  // The store's methods run on the store itself (its private fields are not on a proxy).
  const counting = new Proxy(store, {
    get: (target, key) => {
      if (key === 'claimFeed') return claimFeed;
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const feeds = create(counting);
  return { ...(await testApp({ store, feeds })), refused: () => refused };
}

/** Fires `REQUESTS` feed requests for `user` at once, spread over the servers; answers the statuses and feeds. */
async function burst(servers: readonly TestApp[], user: string) {
  const responses = await Promise.all(
    Array.from({ length: REQUESTS }, (_, i) =>
      servers[i % servers.length]!.call('GET', `/v1/users/${user}/feed?n=${FEED_SIZE}`, {
        key: testKeys.read,
      }),
    ),
  );
  const bodies = await Promise.all(
    responses.map(async (response) => ({
      status: response.status,
      items: response.ok
        ? ((await response.json()) as { items: Array<{ itemId: string }> }).items.map((item) => item.itemId)
        : [],
    })),
  );
  return bodies;
}

/** Items that appear in more than one feed (or twice in one), with how often. */
function repeated(feeds: ReadonlyArray<readonly string[]>): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const feed of feeds) for (const item of feed) counts.set(item, (counts.get(item) ?? 0) + 1);
  return [...counts].filter(([, count]) => count > 1);
}

describe.each(backends)('concurrent feeds for one user on $name', ({ open, dispose, shared }) => {
  const stores: Store[] = [];
  const opened = async () => {
    const store = await open();
    stores.push(store);
    return store;
  };
  afterAll(async () => {
    for (const store of stores) await store.close();
    await dispose();
  });
  beforeAll(async () => {
    const now = Date.now();
    await (await opened()).upsertItems(
      Array.from({ length: CATALOGUE }, (_, i) => ({
        id: `item-${String(i).padStart(4, '0')}`,
        uploadTime: now - i * 60_000,
      })),
    );
    // Some popularity, so the popular source's feeds start with its popular items.
    await stores[0]!.upsertEvents(
      Array.from({ length: 30 }, (_, i) => ({
        id: `fan-${i}`,
        userId: `fan-${i % 3}`,
        itemId: `item-${String(i * 7).padStart(4, '0')}`,
        time: now - 60_000,
      })),
      { createMissing: true },
    );
  });

  describe.each(sources)('from $source', ({ source, create }) => {
    it(`serves ${REQUESTS} feeds at once with no item in two of them, every one 2xx and full`, async () => {
      const store = await opened();
      const user = `one-server-user-of-${source}`;
      const feeds = await burst([await server(store, create)], user);
      expect(feeds.filter((feed) => feed.status < 200 || feed.status >= 300)).toEqual([]);
      expect(repeated(feeds.map((feed) => feed.items))).toEqual([]);
      expect(feeds.every((feed) => feed.items.length === FEED_SIZE)).toBe(true);
      // What the store logged agrees: each item shown once.
      const impressions = await store.userImpressions(user, { limit: 10_000 });
      expect(impressions).toHaveLength(REQUESTS * FEED_SIZE);
      expect(repeated([impressions.map((impression) => impression.itemId)])).toEqual([]);
    });

    it.runIf(shared)(
      `serves ${REQUESTS} feeds at once from two servers on the same data with no item in two of them`,
      async () => {
        const servers = [await server(await opened(), create), await server(await opened(), create)];
        const feeds = await burst(servers, `two-server-user-of-${source}`);
        expect(feeds.filter((feed) => feed.status < 200 || feed.status >= 300)).toEqual([]);
        expect(repeated(feeds.map((feed) => feed.items))).toEqual([]);
        expect(feeds.every((feed) => feed.items.length === FEED_SIZE)).toBe(true);
        // Both servers started from the same read: the store refused the second one's overlapping claims.
        const refused = servers.reduce((sum, one) => sum + one.refused(), 0);
        expect(refused).toBeGreaterThan(0);
        // The feed service counts them as reclaimed.
        const counted = servers.flatMap((one) =>
          one.feeds instanceof FeedService ? Object.values(one.feeds.counters().reclaimed) : [],
        );
        if (source === 'FeedService') expect(counted.reduce((sum, count) => sum + count, 0)).toBe(refused);
      },
    );
  });
});
