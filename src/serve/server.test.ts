import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../storage/index.js';
import type { FeedSource, ServedFeed } from './feed-source.js';
import { startServer } from './server.js';
import { apiKeys, testKeys } from './test-support/test-app.js';

/** A feed source whose feeds wait until released: requests that are in flight for as long as the test wants. */
function heldFeeds(): { feeds: FeedSource; started: Promise<void>; release: () => void } {
  let release = () => {};
  let started = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const startedPromise = new Promise<void>((resolve) => {
    started = resolve;
  });
  const feeds: FeedSource = {
    async feed(userId, n): Promise<ServedFeed> {
      started();
      await gate;
      const items = Array.from({ length: n }, (_, index) => ({
        itemId: `v${index}`,
        score: 1 / (index + 1),
      }));
      return { requestId: 'r1', userId, pipeline: 'held', items, latencyMs: 1, cpuMs: 0.5, stages: {} };
    },
    similar: async () => [],
    pipelines: () => [{ name: 'held', ready: true }],
  };
  return { feeds, started: startedPromise, release };
}

describe('startServer', () => {
  it('closes gracefully: stops accepting, finishes the request in flight, then closes the store', async () => {
    const store = await openSqliteStore({ path: ':memory:' });
    let storeClosed = false;
    const closeStore = store.close.bind(store);
    store.close = async () => {
      storeClosed = true;
      await closeStore();
    };
    const { feeds, started, release } = heldFeeds();
    const server = await startServer({ store, feeds, keys: apiKeys, port: 0 });
    const headers = { authorization: `Bearer ${testKeys.read}` };
    const inFlight = fetch(`${server.url}/v1/users/u1/feed?n=3`, { headers });
    await started;

    const closing = server.close();
    let closed = false;
    void closing.then(() => {
      closed = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toBe(false);
    expect(storeClosed).toBe(false);
    // A new connection is refused while the in-flight request drains.
    await expect(fetch(`${server.url}/health/live`, { headers: { connection: 'close' } })).rejects.toThrow();

    release();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { items: unknown[] }).items).toHaveLength(3);
    await closing;
    expect(storeClosed).toBe(true);
    await server.close(); // a second close is the same close
  });

  it('reports the bound port in its URL', async () => {
    const store = await openSqliteStore({ path: ':memory:' });
    const server = await startServer({
      store,
      feeds: heldFeeds().feeds,
      keys: apiKeys,
      port: 0,
      host: '127.0.0.1',
    });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
    expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
    await server.close();
  });
});
