import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../storage/index.js';
import { PopularFeedSource } from '../http/popular-feed-source.js';
import { type RunningServer, startServer } from '../server.js';
import { apiKeys, testKeys } from '../test-support/test-app.js';
import { GenfeedApiError } from './api-error.js';
import { GenfeedClient } from './client.js';

let server: RunningServer;
beforeAll(async () => {
  const store = await openSqliteStore({ path: ':memory:' });
  server = await startServer({ store, feeds: new PopularFeedSource(store), keys: apiKeys, port: 0 });
});
afterAll(async () => {
  await server.close();
});

describe('GenfeedClient against a started server', () => {
  it('round-trips every route', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const client = new GenfeedClient({ baseUrl: server.url, apiKey: testKeys.admin });
    expect(await client.live()).toEqual({ status: 'ok' });
    expect(await client.ready()).toMatchObject({ ready: true, status: 'ok' });

    const items = await client.putItems([
      { id: 'v/1', caption: '晚霞', categories: ['Sky'], tags: ['sunset'] },
      { id: 'v2', categories: ['Sky'], tags: ['sunset'] },
      { id: 'v3', categories: ['Food'] },
    ]);
    expect(items).toEqual({ accepted: 3, ids: ['v/1', 'v2', 'v3'] });
    expect(await client.putUsers({ id: 'u1', features: { age: '18-24' } })).toEqual({
      accepted: 1,
      ids: ['u1'],
    });
    expect((await client.getItem('v/1')).caption).toBe('晚霞');
    expect((await client.getUser('u1')).features).toEqual({ age: '18-24' });

    const feed = await client.feed('u1', { n: 2 });
    expect(feed.items).toHaveLength(2);
    const events = await client.putEvents(
      feed.items.map((entry, position) => ({
        userId: 'u1',
        itemId: entry.itemId,
        time: Date.now(),
        requestId: feed.requestId,
        position,
        signals: { click: 1, playTimeMs: 4000 },
      })),
    );
    expect(events.accepted).toBe(2);
    const similar = await client.similar('v/1', { n: 5 });
    expect(similar.items.map((entry) => entry.itemId)).toEqual(['v2']);
    expect(await client.metrics()).toContain('genfeed_ingested_records_total{kind="events"} 2');
    expect(Object.keys((await client.openapi()).paths as object)).toContain('/v1/users/{id}/feed');
  });

  it('throws a typed error carrying status, code, message and field', async () => {
    const reader = new GenfeedClient({ baseUrl: server.url, apiKey: testKeys.read });
    const missing = await reader.getItem('nothing-here').catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(GenfeedApiError);
    expect(missing).toMatchObject({ status: 404, code: 'not_found', field: 'id' });
    await expect(reader.putItems({ id: 'x' })).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    const writer = new GenfeedClient({ baseUrl: server.url, apiKey: testKeys.write });
    await expect(writer.putEvents({ userId: 'u1', itemId: 'v2', time: -5 })).rejects.toMatchObject({
      status: 400,
      code: 'invalid_input',
      field: 'time',
    });
    const anonymous = new GenfeedClient({ baseUrl: server.url });
    await expect(anonymous.metrics()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
  });
});
