import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../core/index.js';
import { openPostgresStore, openSqliteStore, type Store, type StoreCounts } from '../storage/index.js';
import { json, type TestApp, testApp, testKeys } from './test-support/test-app.js';

/**
 * At least 1,000 generated bad requests: each must be answered 4xx with a JSON
 * error naming what is wrong, the server must keep answering, and nothing may
 * be stored. Seeded, so a failure reproduces.
 */

interface BadRequest {
  kind: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

const MAX_BODY = 64 * 1024;
const MAX_BATCH = 50;
const encoder = new TextEncoder();

const injections = [
  "' OR '1'='1",
  "v1'; DROP TABLE items; --",
  '" OR ""="',
  '1; SELECT * FROM users',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '../../etc/passwd',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the Log4Shell probe string, on purpose
  '${jndi:ldap://x}',
  '{{7*7}}',
  '\\x00\\u0000',
  'Robert"); DELETE FROM events;--',
  '%27%20OR%201%3D1',
];

const wrongValues = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  '',
  'text',
  [],
  [1, 2],
  {},
  { nested: { deeper: [null] } },
];

const validItem = {
  id: 'item-ok',
  author: 'a',
  caption: 'c',
  hashtags: ['h'],
  durationMs: 1000,
  uploadTime: 1,
  categories: ['x'],
  tags: ['t'],
  semanticId: [1, 2],
  aiGenerated: false,
  hidden: false,
};
const validUser = { id: 'user-ok', features: { age: '18-24', fans: 3 } };
// Refers to an item the store does not hold, so even a "valid" event must be refused.
const validEvent = {
  id: 'event-ok',
  userId: 'user-ok',
  itemId: 'known-item',
  time: 1000,
  requestId: 'r',
  pipeline: 'p',
  position: 0,
  experiment: 'x',
  label: 1,
  signals: { click: 1, playTimeMs: 10 },
};

/** Values of the wrong type or range for a field, given what the field accepts. */
const badFor: Record<string, unknown[]> = {
  id: [null, 1, true, '', [], {}, ['a']],
  author: [null, 1, '', [], {}],
  caption: [null, 1, [], {}],
  hashtags: [null, 'h', [1], [null], {}, [['nested']]],
  categories: [null, 'c', [1], {}],
  tags: [null, 't', [{}], 7],
  durationMs: [null, 'long', -1, [], {}, true],
  uploadTime: [null, 'yesterday', -5, 1.5, '2026-01-05', '2026-13-45T99:00:00Z', 1e300, []],
  semanticId: [null, [], [-1], [1.5], '1,2', [1, '2'], [2 ** 60], {}],
  aiGenerated: [null, 'true', 1, 0, []],
  hidden: [null, 'false', 1, {}],
  features: [null, [], 'x', { a: null }, { a: {} }, { a: [1] }, { a: true }],
  userId: [null, 1, '', [], {}],
  itemId: [null, 2, '', [], {}],
  time: [null, 'now', -1, 1.5, 1e300, [], {}, true, '2026-01-05T08:00:00'],
  requestId: [null, 1, '', []],
  pipeline: [null, 3, '', {}],
  position: [null, -1, 1.5, '0', 2 ** 60, []],
  experiment: [null, 5, ''],
  label: [null, 'five', [], {}, true],
  signals: [
    null,
    'click',
    [],
    1,
    { click: 2 },
    { click: -1 },
    { click: '1' },
    { like: true },
    { playTimeMs: -1 },
    { playTimeMs: 'x' },
    { unknownSignal: 1 },
    { longView: 0.5 },
  ],
};

function generate(random: Random): BadRequest[] {
  const requests: BadRequest[] = [];
  const post = (kind: string, path: string, body: unknown) =>
    requests.push({ kind, method: 'POST', path, body: JSON.stringify(body) });
  const targets = [
    { path: '/v1/items', valid: validItem, required: ['id'] },
    { path: '/v1/users', valid: validUser, required: ['id'] },
    { path: '/v1/events', valid: validEvent, required: ['userId', 'itemId', 'time'] },
  ];

  for (const { path, valid, required } of targets) {
    // Wrong types: every field with every bad value, alone and inside a batch of otherwise valid records.
    for (const field of Object.keys(valid)) {
      for (const bad of badFor[field] ?? []) {
        const record = { ...valid, [field]: bad };
        post('wrong type', path, record);
        post('wrong type in batch', path, [{ ...valid, id: 'batch-a' }, record]);
      }
    }
    // Missing required fields, and unknown fields (objects are strict).
    for (const field of required) {
      const { [field]: _dropped, ...rest } = valid as Record<string, unknown>;
      post('missing field', path, rest);
      post('missing field in batch', path, [valid, rest]);
    }
    for (const name of ['type', 'ID', 'extra', '__proto__', 'constructor', 'id ']) {
      post(
        'unknown field',
        path,
        JSON.parse(`{${JSON.stringify(name)}: 1, ${JSON.stringify(valid).slice(1)}`),
      );
    }
    // Not a record at all.
    for (const junk of wrongValues) post('not an object', path, junk);
    post('empty batch', path, []);
    post('batch of junk', path, [1, 'two', null]);
    post('nested batch', path, [[valid]]);
    // Too many records, and too many bytes.
    post(
      'oversized batch',
      path,
      Array.from({ length: MAX_BATCH + 1 }, (_, index) => ({ ...valid, id: `big-${index}` })),
    );
    requests.push({
      kind: 'oversized body',
      method: 'POST',
      path,
      body: JSON.stringify({ ...valid, caption: 'x'.repeat(MAX_BODY) }),
    });
    // Injection strings as ids, in records made invalid otherwise (or events for unknown items).
    for (const injection of injections) {
      post('injection in invalid record', path, { ...valid, id: injection, unknownField: injection });
      if (path === '/v1/events')
        post('injection as unknown item', path, { ...valid, id: injection, itemId: injection });
    }
    // Invalid UTF-8 byte sequences spliced into an otherwise valid body.
    const text = JSON.stringify({ ...valid, id: 'utf8-XX-here' });
    const at = text.indexOf('XX');
    for (const bytes of [
      [0xff],
      [0xc0, 0x80],
      [0x80],
      [0xe4, 0xb8],
      [0xed, 0xa0, 0x80],
      [0xf8, 0x88, 0x80, 0x80, 0x80],
      [0xfe, 0xff],
    ]) {
      const head = encoder.encode(text.slice(0, at));
      const tail = encoder.encode(text.slice(at + 2));
      requests.push({
        kind: 'invalid utf-8',
        method: 'POST',
        path,
        body: new Uint8Array([...head, ...bytes, ...tail]),
      });
    }
    // Strings that are valid JSON but cannot be stored as text.
    post('NUL in id', path, { ...valid, id: 'a\u0000b' });
    requests.push({
      kind: 'lone surrogate',
      method: 'POST',
      path,
      body: JSON.stringify({ ...valid }).replace('"id":"', '"id":"\\ud800'),
    });
    // Malformed JSON.
    for (const body of [
      '',
      '{',
      '{"id":',
      "{'id':'x'}",
      '{"id":"x",}',
      '[1,2',
      'NaN',
      '{"id": 1e400}',
      'undefined',
      '\u0000',
      '{"id":"x"} trailing',
      'nul',
    ]) {
      requests.push({ kind: 'malformed json', method: 'POST', path, body });
    }
    // Deeply nested junk (parsed without overflowing anything; refused by the schema).
    requests.push({
      kind: 'deep nesting',
      method: 'POST',
      path,
      body: `${'['.repeat(5000)}${']'.repeat(5000)}`,
    });
    requests.push({
      kind: 'deep nesting',
      method: 'POST',
      path,
      body: `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`,
    });
    // Wrong content types.
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/json; charset=latin1',
      '',
    ]) {
      requests.push({
        kind: 'wrong content type',
        method: 'POST',
        path,
        headers: type === '' ? {} : { 'content-type': type },
        body: JSON.stringify(valid),
      });
    }
    // Wrong methods.
    for (const method of ['PUT', 'PATCH', 'DELETE', 'GET'])
      requests.push({ kind: 'wrong method', method, path });
  }

  // Unknown ids and injection strings in paths.
  const ids = [...injections, 'missing', 'x'.repeat(300), '%FF%FE', '%00', '..', 'a%2Fb', '😀'];
  for (const id of ids) {
    const encoded = id.startsWith('%') ? id : encodeURIComponent(id);
    requests.push({ kind: 'unknown item', method: 'GET', path: `/v1/items/${encoded}` });
    requests.push({ kind: 'unknown user', method: 'GET', path: `/v1/users/${encoded}` });
    requests.push({ kind: 'unknown similar', method: 'GET', path: `/v1/items/${encoded}/similar` });
  }
  requests.push({ kind: 'id too long', method: 'GET', path: `/v1/users/${'y'.repeat(600)}/feed` });
  // Bad counts, huge numbers, unknown query parameters.
  for (const n of [
    '0',
    '-1',
    '1.5',
    'abc',
    '',
    '201',
    '1e309',
    '99999999999999999999',
    'NaN',
    'Infinity',
    '0x10',
    '[]',
  ]) {
    requests.push({ kind: 'bad count', method: 'GET', path: `/v1/users/u1/feed?n=${encodeURIComponent(n)}` });
    requests.push({
      kind: 'bad count',
      method: 'GET',
      path: `/v1/items/item-ok/similar?n=${encodeURIComponent(n)}`,
    });
  }
  requests.push({ kind: 'unknown query', method: 'GET', path: '/v1/users/u1/feed?n=3&debug=1' });
  requests.push({ kind: 'repeated query', method: 'GET', path: '/v1/users/u1/feed?n=3&n=4' });
  // Wrong methods on read routes, and unknown routes.
  for (const path of ['/v1/items/x', '/v1/users/x', '/v1/users/x/feed', '/v1/items/x/similar']) {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      requests.push({
        kind: 'wrong method',
        method,
        path,
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
    }
  }
  for (const path of [
    '/',
    '/v1',
    '/v1/',
    '/v2/items',
    '/v1/items/x/y/z',
    '/v1/events/e1',
    '/admin',
    '/.env',
    '/v1/items/../users',
  ]) {
    requests.push({ kind: 'unknown route', method: 'GET', path });
  }

  // Random mutations until there are enough: one to three fields of a valid record set to values they refuse
  // (or an unknown field added), the record alone or inside a batch of valid ones.
  while (requests.length < 1200) {
    const target = targets[random.int(targets.length)]!;
    const record: Record<string, unknown> = { ...target.valid };
    const fields = Object.keys(target.valid);
    const mutations = 1 + random.int(3);
    for (let count = 0; count < mutations; count++) {
      if (random.next() < 0.2) {
        record[`unknown${random.int(100)}`] = wrongValues[random.int(wrongValues.length)];
        continue;
      }
      const field = fields[random.int(fields.length)]!;
      const pool = badFor[field]!;
      record[field] = pool[random.int(pool.length)];
    }
    const batched = random.next() < 0.5;
    post(
      'random mutation',
      target.path,
      batched ? [{ ...target.valid, id: `r-${requests.length}` }, record] : record,
    );
  }
  return requests;
}

/** SQLite always; PostgreSQL too where `.ci/run` (or you) set GENFEED_TEST_POSTGRES_URL, in a schema of its own. */
const postgresUrl = process.env.GENFEED_TEST_POSTGRES_URL;
const backends: Array<{ name: string; open: () => Promise<Store>; dispose: () => Promise<void> }> = [
  { name: 'SQLite', open: () => openSqliteStore({ path: ':memory:' }), dispose: async () => {} },
];
if (postgresUrl !== undefined) {
  const schema = `genfeed_malformed_${randomBytes(4).toString('hex')}`;
  backends.push({
    name: 'PostgreSQL',
    open: () => openPostgresStore({ connectionString: postgresUrl, schema, maxConnections: 2 }),
    dispose: async () => {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  });
}

describe.each(backends)('malformed input on $name', ({ open, dispose }) => {
  let setup: TestApp;
  let before: StoreCounts;
  beforeAll(async () => {
    setup = await testApp({ store: await open(), limits: { maxBodyBytes: MAX_BODY, maxBatch: MAX_BATCH } });
    // One item the "valid" events do not refer to, and the similar route's item, so not every id is unknown.
    await setup.store.upsertItems([{ id: 'item-ok' }]);
    before = await setup.store.counts();
  });
  afterAll(async () => {
    await setup.store.close();
    await dispose();
  });

  it('answers at least 1,000 bad requests 4xx with a JSON error naming the problem, storing nothing', async () => {
    const requests = generate(new Random(7));
    expect(requests.length).toBeGreaterThanOrEqual(1000);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    for (const request of requests) {
      const keyed = request.method === 'GET' ? testKeys.read : testKeys.write;
      const response = await setup.app.request(request.path, {
        method: request.method,
        headers: {
          authorization: `Bearer ${keyed}`,
          ...(request.body !== undefined && !request.headers && { 'content-type': 'application/json' }),
          ...request.headers,
        },
        ...(request.body !== undefined && { body: request.body }),
      });
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const text = await response.text();
      const describe = `${request.kind}: ${request.method} ${request.path.slice(0, 80)} ${String(request.body).slice(0, 120)} -> ${response.status} ${text.slice(0, 200)}`;
      if (response.status < 400 || response.status >= 500) {
        failures.push(describe);
        continue;
      }
      let error: { code?: unknown; message?: unknown } | undefined;
      try {
        error = JSON.parse(text).error;
      } catch {
        error = undefined;
      }
      const jsonType =
        response.headers.get('content-type')?.startsWith('application/json') &&
        response.headers.get('x-content-type-options') === 'nosniff';
      if (
        !jsonType ||
        typeof error?.code !== 'string' ||
        typeof error.message !== 'string' ||
        error.message.length < 8
      ) {
        failures.push(`not a JSON error: ${describe}`);
      } else if (/\bat .*\.(ts|js):\d+/.test(text)) {
        failures.push(`stack trace: ${describe}`);
      }
    }
    expect(failures.slice(0, 20)).toEqual([]);
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([400, 404, 405, 413, 415]));

    expect(await setup.store.counts()).toEqual(before);
    expect((await setup.app.request('/health/live')).status).toBe(200);
    const read = await setup.app.request('/v1/items/item-ok', {
      headers: { authorization: `Bearer ${testKeys.read}` },
    });
    expect((await json(read)).id).toBe('item-ok');
  }, 60_000);
});
