import { Validator } from '@seriousme/openapi-schema-validator';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeys, createApp, PopularFeedSource, ServeMetrics } from '../serve/index.js';
import { openSqliteStore, type Store } from '../storage/index.js';
import { mountDashboard } from './mount-dashboard.js';
import { authorizeWithApiKeys } from './serve-wiring.js';

const keys = {
  admin: 'admin-key-0123456789abcdef',
  read: 'read-key-0123456789abcdef',
  write: 'write-key-0123456789abcdef',
  readWrite: 'read-write-key-0123456789',
  creator: 'creator-key-0123456789abcdef',
};
const apiKeys = ApiKeys.from([
  { key: keys.admin, scopes: ['admin'], name: 'ops' },
  { key: keys.read, scopes: ['read'], name: 'reader' },
  { key: keys.write, scopes: ['write'], name: 'writer' },
  { key: keys.readWrite, scopes: ['read', 'write'], name: 'app' },
  { key: keys.creator, scopes: ['read'], creator: 'author-1', name: 'studio 1' },
]);

/**
 * Routes the server answers that the OpenAPI document leaves out, on purpose:
 * the one place they are listed, each with its reason.
 */
const undocumented: Record<string, string> = {
  'GET /metrics': 'Prometheus text exposition, not JSON (docs/serve.md, "Metrics")',
  'GET /openapi.json': 'the document itself',
  'GET /dashboard': 'an HTML page of the dashboard (its figures: GET /v1/admin/overview)',
  'GET /dashboard/experiments': 'an HTML page (GET /v1/admin/experiments)',
  'GET /dashboard/models': 'an HTML page (GET /v1/admin/models)',
  'GET /dashboard/items': 'an HTML page (GET /v1/admin/items)',
  'GET /dashboard/users': 'an HTML page (GET /v1/admin/users)',
  'GET /dashboard/creator': 'an HTML page (GET /v1/creator/insights)',
  'GET /dashboard/login': 'the HTML login form',
  'POST /dashboard/login': 'a browser form exchanging a key for a session cookie',
  'POST /dashboard/logout': 'a browser form (session and CSRF token)',
  'POST /dashboard/experiments/split':
    'a browser form (session and CSRF token); the API: PUT /v1/admin/experiments/{name}/split',
  'POST /dashboard/experiments/stop':
    'a browser form (session and CSRF token); the API: POST /v1/admin/experiments/{name}/stop',
  'POST /dashboard/models/activate':
    'a browser form (session and CSRF token); the API: POST /v1/admin/models/{name}/versions/{version}/activate',
  'POST /dashboard/models/rollback':
    'a browser form (session and CSRF token); the API: POST /v1/admin/models/{name}/rollback',
  'GET /dashboard/assets/dashboard.js': 'a static asset',
  'GET /dashboard/assets/dashboard.css': 'a static asset',
  'GET /dashboard/assets/echarts.min.js': 'a static asset',
};

/** Every admin route, with a request it accepts from an admin key. */
const adminRoutes: Array<{ method: string; path: string; body?: unknown }> = [
  { method: 'GET', path: '/v1/admin/overview' },
  { method: 'GET', path: '/v1/admin/experiments' },
  { method: 'POST', path: '/v1/admin/experiments', body: { name: 'scoped', split: { a: 1 } } },
  { method: 'PUT', path: '/v1/admin/experiments/ab/split', body: { split: { generative: 1, cascade: 3 } } },
  { method: 'GET', path: '/v1/admin/experiments/ab/report' },
  { method: 'POST', path: '/v1/admin/experiments/scoped/stop' },
  { method: 'GET', path: '/v1/admin/models' },
  { method: 'GET', path: '/v1/admin/items?q=v' },
  { method: 'GET', path: '/v1/admin/users?id=g1' },
];

const hour = 3_600_000;
let store: Store;
let app: Hono;

beforeAll(async () => {
  store = await openSqliteStore({ path: ':memory:' });
  const served = createApp({
    store,
    feeds: new PopularFeedSource(store),
    keys: apiKeys,
    metrics: new ServeMetrics({ processMetrics: false }),
  });
  mountDashboard(served, { store, authorize: authorizeWithApiKeys(apiKeys) });
  app = served as unknown as Hono;
  // Two buckets of experiment "ab" logged an hour ago: generative users watch 10 and 20 s, cascade users 10, 20 and 30 s.
  const time = Date.now() - hour;
  await store.upsertItems([{ id: 'v1', author: 'author-1' }]);
  for (const [pipeline, users] of [
    ['generative', ['g1', 'g2']],
    ['cascade', ['c1', 'c2', 'c3']],
  ] as const) {
    await store.insertFeeds(
      users.map((userId) => ({
        requestId: `r-${userId}`,
        userId,
        pipeline,
        experiment: 'ab',
        time,
        items: [{ itemId: 'v1' }],
        cpuMs: pipeline === 'generative' ? 2 : 8,
        latencyMs: 10,
      })),
    );
    await store.upsertEvents(
      users.map((userId, index) => ({
        id: `e-${userId}`,
        userId,
        itemId: 'v1',
        time: time + 1,
        requestId: `r-${userId}`,
        pipeline,
        experiment: 'ab',
        signals: { playTimeMs: (index + 1) * 10_000, like: index % 2 },
      })),
      { createMissing: true },
    );
  }
  await store.putExperiment({ name: 'ab', split: { generative: 25, cascade: 75 } });
});
afterAll(async () => store.close());

function call(
  method: string,
  path: string,
  options: { key?: string | null; body?: unknown; raw?: string } = {},
): Promise<Response> {
  const key = options.key === undefined ? keys.admin : options.key;
  const headers: Record<string, string> = key === null ? {} : { authorization: `Bearer ${key}` };
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined) headers['content-type'] = 'application/json';
  return Promise.resolve(app.request(path, { method, headers, ...(body === undefined ? {} : { body }) }));
}

async function errorOf(response: Response): Promise<{ code: string; message: string; field?: string }> {
  return ((await response.json()) as { error: { code: string; message: string; field?: string } }).error;
}

describe('the OpenAPI document', () => {
  it('describes every route the server answers but the listed exclusions, and validates as OpenAPI 3.1', async () => {
    const response = await call('GET', '/openapi.json', { key: null });
    const document = (await response.json()) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const served = [
      ...new Set(
        app.routes
          .filter((route) => route.method !== 'ALL' && !route.path.includes('*'))
          .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`),
      ),
    ];
    expect(
      served.filter((route) => !documented.includes(route) && undocumented[route] === undefined),
    ).toEqual([]);
    expect(documented.filter((route) => !served.includes(route))).toEqual([]);
    // An exclusion that is documented after all, or no longer served, is stale.
    expect(
      Object.keys(undocumented).filter((route) => documented.includes(route) || !served.includes(route)),
    ).toEqual([]);
    expect(documented).toEqual(
      expect.arrayContaining([
        ...adminRoutes.map(
          ({ method, path }) =>
            `${method} ${path.split('?')[0]!.replace('/ab/', '/{name}/').replace('/scoped/', '/{name}/')}`,
        ),
        'GET /v1/creator/insights',
      ]),
    );

    const validator = new Validator();
    const result = await validator.validate(document as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });
});

describe('admin routes', () => {
  it('refuse read, write, read-write and creator keys with 403 and a missing key with 401, on every route', async () => {
    for (const { method, path, body } of adminRoutes) {
      for (const key of [keys.read, keys.write, keys.readWrite, keys.creator]) {
        const response = await call(method, path, { key, body });
        expect({ method, path, key, status: response.status }).toEqual({ method, path, key, status: 403 });
        expect((await errorOf(response)).code).toBe('forbidden');
      }
      const anonymous = await call(method, path, { key: null, body });
      expect({ method, path, status: anonymous.status }).toEqual({ method, path, status: 401 });
    }
    expect(await store.getExperiment('scoped')).toBeUndefined();
    expect((await store.getExperiment('ab'))?.split).toEqual({ generative: 25, cascade: 75 });
  });

  it('answer an admin key on every route', async () => {
    for (const { method, path, body } of adminRoutes) {
      const response = await call(method, path, { body });
      expect({ method, path, status: response.status }).toEqual({
        method,
        path,
        status: method === 'POST' && body !== undefined ? 201 : 200,
      });
    }
    await store.putExperiment({ name: 'ab', split: { generative: 25, cascade: 75 } });
  });

  it('keep the creator insights open to read keys, as before (a creator’s key reads /v1/creators/<its id>/... only)', async () => {
    expect((await call('GET', '/v1/creator/insights', { key: keys.read })).status).toBe(200);
    expect((await call('GET', '/v1/creator/insights', { key: keys.creator })).status).toBe(403);
    expect((await call('GET', '/v1/creator/insights', { key: keys.write })).status).toBe(403);
  });
});

describe('experiments over HTTP', () => {
  it('starts one, changes its split, reports it and stops it', async () => {
    const created = await call('POST', '/v1/admin/experiments', {
      body: { name: 'ranker-test', split: { generative: 1, cascade: 1 }, description: 'new ranker' },
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      name: 'ranker-test',
      split: { generative: 1, cascade: 1 },
      description: 'new ranker',
    });
    const again = await call('POST', '/v1/admin/experiments', {
      body: { name: 'ranker-test', split: { generative: 1 } },
    });
    expect(again.status).toBe(409);
    expect((await errorOf(again)).message).toContain('"ranker-test" already runs');

    const changed = await call('PUT', '/v1/admin/experiments/ranker-test/split', {
      body: { split: { generative: 3, cascade: 1 } },
    });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({
      split: { generative: 3, cascade: 1 },
      description: 'new ranker',
    });
    expect((await store.getExperiment('ranker-test'))?.split).toEqual({ generative: 3, cascade: 1 });
    const listed = (await (await call('GET', '/v1/admin/experiments')).json()) as {
      experiments: Array<{ name: string }>;
    };
    expect(listed.experiments.map((experiment) => experiment.name)).toEqual(['ab', 'ranker-test']);

    const stopped = await call('POST', '/v1/admin/experiments/ranker-test/stop');
    expect(stopped.status).toBe(200);
    expect(await stopped.json()).toMatchObject({ name: 'ranker-test', split: { generative: 3, cascade: 1 } });
    expect(await store.getExperiment('ranker-test')).toBeUndefined();
    const twice = await call('POST', '/v1/admin/experiments/ranker-test/stop');
    expect(twice.status).toBe(404);
    expect(await errorOf(twice)).toMatchObject({
      code: 'not_found',
      message: 'No experiment "ranker-test" is running',
    });
  });

  it('reports the buckets with intervals, the figures the Experiments page shows', async () => {
    const response = await call('GET', '/v1/admin/experiments/ab/report?days=3');
    expect(response.status).toBe(200);
    const report = (await response.json()) as {
      experiment: string;
      reference: string;
      buckets: Array<{
        pipeline: string;
        users: number;
        requests: number;
        stayTimeSecondsPerUserDay: { value: number; low: number; high: number };
        stayTimeLift?: { value: number };
        cpuMsPerRequest: number;
        signalRates: Record<string, { value: number | null }>;
      }>;
    };
    expect(report).toMatchObject({ experiment: 'ab', reference: 'cascade' });
    const byName = Object.fromEntries(report.buckets.map((bucket) => [bucket.pipeline, bucket]));
    expect(byName.generative).toMatchObject({ users: 2, requests: 2, cpuMsPerRequest: 2 });
    expect(byName.cascade).toMatchObject({ users: 3, requests: 3, cpuMsPerRequest: 8 });
    expect(byName.generative!.stayTimeSecondsPerUserDay.value).toBeCloseTo(15);
    expect(byName.cascade!.stayTimeSecondsPerUserDay.value).toBeCloseTo(20);
    const { low, high } = byName.cascade!.stayTimeSecondsPerUserDay;
    expect(low).toBeLessThan(20);
    expect(high).toBeGreaterThan(20);
    expect(byName.generative!.stayTimeLift?.value).toBeCloseTo(15 / 20 - 1);
    expect(byName.cascade!.stayTimeLift).toBeUndefined();
    expect(byName.cascade!.signalRates.like?.value).toBeCloseTo(1 / 3);
    // The dashboard's JSON for the same experiment and window carries the same buckets.
    const page = (await (await call('GET', '/v1/admin/experiments?experiment=ab&days=3')).json()) as {
      buckets: unknown;
    };
    expect(page.buckets).toEqual(report.buckets);
  });

  it('reports a stopped experiment from its logged feeds, and 404s an unknown one', async () => {
    await store.putExperiment({ name: 'gone', split: { generative: 1 } });
    await store.insertFeeds([
      {
        requestId: 'r-gone',
        userId: 'g1',
        pipeline: 'generative',
        experiment: 'gone',
        time: Date.now() - hour,
        items: [],
      },
    ]);
    expect((await call('POST', '/v1/admin/experiments/gone/stop')).status).toBe(200);
    const report = await call('GET', '/v1/admin/experiments/gone/report');
    expect(report.status).toBe(200);
    expect(((await report.json()) as { buckets: unknown[] }).buckets).toHaveLength(1);
    const unknown = await call('GET', '/v1/admin/experiments/never-ran/report');
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).message).toContain('No experiment "never-ran"');
    const split = await call('PUT', '/v1/admin/experiments/never-ran/split', { body: { split: { a: 1 } } });
    expect(split.status).toBe(404);
  });

  it('refuses bad input with a 400 naming the field, and stores nothing', async () => {
    const cases: Array<[string, string, unknown, string, string]> = [
      ['POST', '/v1/admin/experiments', { split: { a: 1 } }, 'name', 'required, missing'],
      ['POST', '/v1/admin/experiments', { name: '', split: { a: 1 } }, 'name', 'must not be empty'],
      [
        'POST',
        '/v1/admin/experiments',
        { name: 'x', split: { a: -1 } },
        'split.a',
        'expected a weight from 0',
      ],
      ['POST', '/v1/admin/experiments', { name: 'x', split: { a: 'lots' } }, 'split.a', 'expected a weight'],
      ['POST', '/v1/admin/experiments', { name: 'x', split: {} }, 'split', 'at least one bucket'],
      [
        'POST',
        '/v1/admin/experiments',
        { name: 'x', split: { a: 0, b: 0 } },
        'split',
        'the weights sum to 0',
      ],
      [
        'POST',
        '/v1/admin/experiments',
        { name: 'x', split: { a: 1 }, colour: 'red' },
        '',
        'unknown field(s) "colour"',
      ],
      ['PUT', '/v1/admin/experiments/ab/split', { split: { ' ': 1 } }, 'split. ', 'Invalid key in record'],
      ['PUT', '/v1/admin/experiments/ab/split', {}, 'split', 'required, missing'],
    ];
    for (const [method, path, body, field, message] of cases) {
      const response = await call(method, path, { body });
      expect({ path, body, status: response.status }).toEqual({ path, body, status: 400 });
      const error = await errorOf(response);
      expect(error.code).toBe('invalid_input');
      expect(error.message).toContain(message);
      if (field !== '') expect(error.message).toContain(`"${field}`);
    }
    const days = await call('GET', '/v1/admin/experiments/ab/report?days=0');
    expect(days.status).toBe(400);
    expect(await errorOf(days)).toMatchObject({ field: 'days' });
    const junk = await call('POST', '/v1/admin/experiments', { raw: '{"name": "x",' });
    expect((await errorOf(junk)).code).toBe('malformed_json');
    const tooBig = await call('POST', '/v1/admin/experiments', {
      body: { name: 'x', split: { a: 1 }, description: 'x'.repeat(200_000) },
    });
    expect(tooBig.status).toBe(413);
    expect((await store.listExperiments()).map((experiment) => experiment.name)).toEqual(['ab']);
    expect((await store.getExperiment('ab'))?.split).toEqual({ generative: 25, cascade: 75 });
  });
});
