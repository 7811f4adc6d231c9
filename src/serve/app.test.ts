import { afterEach, describe, expect, it } from 'vitest';
import { json, type TestApp, testApp, testKeys } from './test-support/test-app.js';

let current: TestApp | undefined;
async function setup(): Promise<TestApp> {
  current = await testApp();
  return current;
}
afterEach(async () => {
  await current?.store.close();
  current = undefined;
});

/** Event times: whole seconds of now, inside the ingest window (storage/bounds.ts). */
const now = Math.floor(Date.now() / 1000) * 1000;

const item = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  author: 'a1',
  categories: ['Nature'],
  ...extra,
});

describe('ingest', () => {
  it('writes one item and a batch, and reads them back', async () => {
    const { call, store } = await setup();
    const single = await call('POST', '/v1/items', {
      body: item('v1', { caption: '今天的晚霞', uploadTime: '2026-01-05T08:00:00Z' }),
    });
    expect(single.status).toBe(200);
    expect(await json(single)).toEqual({ accepted: 1, ids: ['v1'] });
    const batch = await call('POST', '/v1/items', { body: [item('v2'), item('v3'), item('v4')] });
    expect(await json(batch)).toEqual({ accepted: 3, ids: ['v2', 'v3', 'v4'] });
    expect((await store.counts()).items).toBe(4);
    const read = await call('GET', '/v1/items/v1', { key: testKeys.read });
    expect(read.status).toBe(200);
    const body = await json(read);
    expect(body).toMatchObject({
      id: 'v1',
      caption: '今天的晚霞',
      uploadTime: Date.parse('2026-01-05T08:00:00Z'),
    });
  });

  it('is idempotent by id: sending again replaces, never duplicates', async () => {
    const { call, store } = await setup();
    await call('POST', '/v1/items', { body: [item('v1'), item('v2')] });
    await call('POST', '/v1/users', { body: { id: 'u1', features: { age: '18-24' } } });
    const events = [
      { userId: 'u1', itemId: 'v1', time: now, signals: { click: 1 } },
      { id: 'e2', userId: 'u1', itemId: 'v2', time: now + 1000 },
    ];
    for (let round = 0; round < 2; round++) {
      expect((await call('POST', '/v1/events', { body: events })).status).toBe(200);
      await call('POST', '/v1/items', { body: [item('v1', { caption: `round ${round}` }), item('v2')] });
      await call('POST', '/v1/users', { body: { id: 'u1', features: { age: '25-34' } } });
    }
    expect(await store.counts()).toMatchObject({ items: 2, users: 1, events: 2 });
    expect((await store.getItem('v1'))?.caption).toBe('round 1');
    expect((await store.getUser('u1'))?.features).toEqual({ age: '25-34' });
    const ids = (await store.userEvents('u1')).map((event) => event.id).sort();
    expect(ids).toEqual(['e2', `u1:v1:${now}`]);
    // A batch repeating an id keeps the last copy.
    const repeated = await call('POST', '/v1/items', {
      body: [item('v9', { caption: 'a' }), item('v9', { caption: 'b' })],
    });
    expect(await json(repeated)).toEqual({ accepted: 1, ids: ['v9'] });
    expect((await store.getItem('v9'))?.caption).toBe('b');
  });

  it('refuses events for unknown items (naming them, storing nothing) and creates unknown users bare', async () => {
    const { call, store } = await setup();
    await call('POST', '/v1/items', { body: item('v1') });
    const before = await store.counts();
    const refused = await call('POST', '/v1/events', {
      body: [
        { userId: 'u1', itemId: 'v1', time: now },
        { userId: 'u1', itemId: 'ghost', time: now },
      ],
    });
    expect(refused.status).toBe(404);
    const error = (await json(refused)).error;
    expect(error.code).toBe('unknown_items');
    expect(error.field).toBe('[1].itemId');
    expect(error.message).toContain('"ghost"');
    expect(await store.counts()).toEqual(before);

    const accepted = await call('POST', '/v1/events', {
      body: { userId: 'new-user', itemId: 'v1', time: now },
    });
    expect(await json(accepted)).toEqual({
      accepted: 1,
      ids: [`new-user:v1:${now}`],
      createdUsers: ['new-user'],
    });
    expect(await store.getUser('new-user')).toMatchObject({ id: 'new-user', features: {} });
  });

  it('attributes events quoting a served request id to the pipeline that served it', async () => {
    const { call, store } = await setup();
    await call('POST', '/v1/items', { body: [item('v1'), item('v2')] });
    const feed = await json(await call('GET', '/v1/users/u1/feed?n=2', { key: testKeys.read }));
    expect(feed.pipeline).toBe('popular');
    expect(feed.items).toHaveLength(2);
    const itemId = feed.items[0].itemId;
    await call('POST', '/v1/events', {
      body: { id: 'e1', userId: 'u1', itemId, time: Date.now(), requestId: feed.requestId, position: 0 },
    });
    const [event] = await store.userEvents('u1');
    expect(event).toMatchObject({ id: 'e1', requestId: feed.requestId, pipeline: 'popular' });
  });
});

describe('feeds', () => {
  it('serves a feed logged to the store, never repeating what the user was shown', async () => {
    const { call, store } = await setup();
    await call('POST', '/v1/items', { body: Array.from({ length: 6 }, (_, index) => item(`v${index}`)) });
    const first = await json(await call('GET', '/v1/users/u1/feed?n=4', { key: testKeys.read }));
    expect(first).toMatchObject({ userId: 'u1', pipeline: 'popular' });
    expect(typeof first.requestId).toBe('string');
    expect(first.items).toHaveLength(4);
    expect(await store.getFeed(first.requestId)).toMatchObject({ pipeline: 'popular', userId: 'u1' });
    const second = await json(await call('GET', '/v1/users/u1/feed?n=4', { key: testKeys.read }));
    const seen = new Set(first.items.map((entry: { itemId: string }) => entry.itemId));
    expect(second.items.length).toBe(2);
    for (const entry of second.items) expect(seen.has(entry.itemId)).toBe(false);
  });

  it('answers similar items and 404 for an unknown item', async () => {
    const { call } = await setup();
    await call('POST', '/v1/items', {
      body: [
        item('v1', { tags: ['sea'] }),
        item('v2', { tags: ['sea'] }),
        item('v3', { author: 'other', categories: [] }),
      ],
    });
    const similar = await json(await call('GET', '/v1/items/v1/similar?n=5', { key: testKeys.read }));
    expect(similar.itemId).toBe('v1');
    expect(similar.items.map((entry: { itemId: string }) => entry.itemId)).toEqual(['v2']);
    const missing = await call('GET', '/v1/items/nope/similar', { key: testKeys.read });
    expect(missing.status).toBe(404);
    expect((await json(missing)).error.message).toContain('"nope"');
  });
});

describe('auth', () => {
  it('needs a key on /v1 (401), the right scope (403), and leaves health open', async () => {
    const { call, app } = await setup();
    const none = await call('GET', '/v1/items/v1', { key: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await json(none)).error).toMatchObject({ code: 'unauthorized', field: 'Authorization' });
    expect((await call('GET', '/v1/items/v1', { key: 'not-a-configured-key-at-all' })).status).toBe(401);
    const malformed = await app.request('/v1/items/v1', {
      headers: { authorization: `Basic ${testKeys.admin}` },
    });
    expect(malformed.status).toBe(401);

    const readerWrites = await call('POST', '/v1/items', { key: testKeys.read, body: item('v1') });
    expect(readerWrites.status).toBe(403);
    expect((await json(readerWrites)).error.message).toContain('"write"');
    expect((await call('GET', '/v1/items/v1', { key: testKeys.write })).status).toBe(403);
    expect((await call('POST', '/v1/items', { key: testKeys.write, body: item('v1') })).status).toBe(200);
    expect((await call('GET', '/v1/items/v1', { key: testKeys.read })).status).toBe(200);
    expect((await call('GET', '/v1/items/v1', { key: testKeys.admin })).status).toBe(200);

    expect((await call('GET', '/metrics', { key: testKeys.read })).status).toBe(403);
    expect((await call('GET', '/metrics', { key: null })).status).toBe(401);
    expect((await call('GET', '/metrics', { key: testKeys.admin })).status).toBe(200);
    expect((await call('GET', '/health/live', { key: null })).status).toBe(200);
    const ready = await call('GET', '/health/ready', { key: null });
    expect(ready.status).toBe(200);
    expect(await json(ready)).toMatchObject({
      status: 'ok',
      store: { ok: true },
      pipelines: [{ name: 'popular', ready: true }],
    });
  });

  it('reports not ready when the store does not answer', async () => {
    const { call, store } = await setup();
    store.check = () => Promise.reject(new Error('database is locked'));
    const ready = await call('GET', '/health/ready', { key: null });
    expect(ready.status).toBe(503);
    expect(await json(ready)).toMatchObject({
      status: 'unavailable',
      store: { ok: false, message: 'database is locked' },
    });
  });
});

describe('errors', () => {
  it('answers every error as JSON naming the field, and 404/405 for unknown routes and methods', async () => {
    const { call, app } = await setup();
    const wrongType = await call('POST', '/v1/events', {
      body: [{ userId: 'u', itemId: 'v', time: now, signals: { click: 3 } }],
    });
    expect(wrongType.status).toBe(400);
    expect((await json(wrongType)).error).toEqual({
      code: 'invalid_input',
      message: 'field "[0].signals.click": expected 0 or 1',
      field: '[0].signals.click',
    });
    const missing = await call('POST', '/v1/items', { body: { caption: 'no id' } });
    expect((await json(missing)).error).toMatchObject({ field: 'id' });
    const unknownField = await call('POST', '/v1/users', { body: { id: 'u', feature: {} } });
    expect((await json(unknownField)).error.message).toContain('"feature"');
    const badCount = await call('GET', '/v1/users/u1/feed?n=abc');
    expect((await json(badCount)).error).toMatchObject({ code: 'invalid_input', field: 'n' });

    const textBody = await app.request('/v1/items', {
      method: 'POST',
      headers: { authorization: `Bearer ${testKeys.admin}`, 'content-type': 'text/plain' },
      body: '{"id":"v1"}',
    });
    expect(textBody.status).toBe(415);
    const badJson = await app.request('/v1/items', {
      method: 'POST',
      headers: { authorization: `Bearer ${testKeys.admin}`, 'content-type': 'application/json' },
      body: '{"id":',
    });
    expect(badJson.status).toBe(400);
    expect((await json(badJson)).error.code).toBe('malformed_json');
    const badBytes = await app.request('/v1/items', {
      method: 'POST',
      headers: { authorization: `Bearer ${testKeys.admin}`, 'content-type': 'application/json' },
      body: new Uint8Array([0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    });
    expect(badBytes.status).toBe(400);
    expect((await json(badBytes)).error).toMatchObject({
      code: 'invalid_utf8',
      message: expect.stringContaining('byte 7'),
    });

    const unknown = await call('GET', '/v2/nothing');
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error.code).toBe('not_found');
    const wrongMethod = await call('DELETE', '/v1/items');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });

  it('answers 413 beyond the body limit and 500 without a stack for an unexpected failure', async () => {
    const small = await testApp({ limits: { maxBodyBytes: 1000 } });
    const big = await small.call('POST', '/v1/items', {
      body: Array.from({ length: 50 }, (_, index) => item(`v${index}`)),
    });
    expect(big.status).toBe(413);
    expect((await json(big)).error.code).toBe('payload_too_large');
    expect((await small.store.counts()).items).toBe(0);
    await small.store.close();

    const logged: string[] = [];
    current = await testApp({
      logger: { info() {}, warn() {}, debug() {}, error: (message) => logged.push(message) },
    });
    const { call, store } = current;
    store.getItem = () => Promise.reject(new Error('disk on fire'));
    const failed = await call('GET', '/v1/items/v1');
    expect(failed.status).toBe(500);
    const text = await failed.text();
    expect(JSON.parse(text).error.code).toBe('internal');
    expect(text).not.toContain('disk on fire');
    expect(text).not.toContain('.ts:');
    expect(logged.join('\n')).toContain('disk on fire');
  });
});

describe('OpenAPI and metrics', () => {
  it('documents every route in a valid OpenAPI 3.1 document', async () => {
    const { app, call } = await setup();
    const response = await call('GET', '/openapi.json', { key: null });
    expect(response.status).toBe(200);
    const document = JSON.parse(await response.text());
    expect(document.openapi).toBe('3.1.0');
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const served = new Set(
      app.routes
        .filter((route) => route.method !== 'ALL' && !['/metrics', '/openapi.json'].includes(route.path))
        .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`),
    );
    expect(new Set(documented)).toEqual(served);
    expect(served.size).toBe(14);
    expect(document.components.schemas.Event.required).toEqual(['userId', 'itemId', 'time']);
    expect(document.components.securitySchemes.bearer.scheme).toBe('bearer');
    // Every reference resolves, and every operation documents its success and error bodies.
    const references = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)];
    expect(references.length).toBeGreaterThan(10);
    for (const [, name] of references) expect(document.components.schemas[name!], name).toBeDefined();
    for (const [path, methods] of Object.entries(
      document.paths as Record<string, Record<string, { responses: object }>>,
    )) {
      for (const [method, operation] of Object.entries(methods)) {
        expect(Object.keys(operation.responses), `${method} ${path}`).toContain('200');
        if (path.startsWith('/v1/'))
          expect(Object.keys(operation.responses), `${method} ${path}`).toContain('401');
      }
    }
  });

  it('counts requests by route pattern, feed CPU by pipeline, and ingested records', async () => {
    const { call } = await setup();
    await call('POST', '/v1/items', { body: [item('v1'), item('v2')] });
    await call('GET', '/v1/users/u1/feed');
    await call('GET', '/v1/users/u2/feed');
    await call('GET', '/no/such/route');
    const text = await (await call('GET', '/metrics')).text();
    expect(text).toContain('genfeed_ingested_records_total{kind="items"} 2');
    expect(text).toContain(
      'genfeed_http_requests_total{method="GET",route="/v1/users/:id/feed",status="200"} 2',
    );
    expect(text).toContain('genfeed_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).toMatch(/genfeed_feed_cpu_milliseconds_count\{pipeline="popular"\} 2/);
    expect(text).toMatch(
      /genfeed_feed_stage_cpu_milliseconds_total\{pipeline="popular",stage="recall"\} [\d.e-]+/,
    );
    expect(text).toContain('genfeed_pipeline_ready{pipeline="popular",model_version=""} 1');
  });
});
