import { afterEach, describe, expect, it } from 'vitest';
import { json, type TestApp, testApp, testKeys } from '../test-support/test-app.js';

/**
 * Issue 15, items 4-6: every field of every write has a declared bound. Each
 * probe value found accepted is refused with a 400 naming the field and
 * nothing stored; the edges inside the bounds are accepted.
 */

const DAY_MS = 86_400_000;

let current: TestApp | undefined;
afterEach(async () => {
  await current?.store.close();
  current = undefined;
});

async function seeded(options: Parameters<typeof testApp>[0] = {}): Promise<TestApp> {
  current = await testApp(options);
  expect((await current.call('POST', '/v1/items', { body: { id: 'v1' } })).status).toBe(200);
  return current;
}

/** Posts `body`, expects a 400 naming `field`, and that the store did not change. */
async function refused(app: TestApp, path: string, body: unknown, field: string): Promise<string> {
  const before = await app.store.counts();
  const response = await app.call('POST', path, { body });
  const answer = await json(response);
  expect(response.status, JSON.stringify(answer)).toBe(400);
  expect(answer.error.field).toBe(field);
  expect(answer.error.message).toContain(`"${field}"`);
  expect(await app.store.counts()).toEqual(before);
  return answer.error.message;
}

async function accepted(app: TestApp, path: string, body: unknown): Promise<void> {
  const response = await app.call('POST', path, { body });
  expect(response.status, JSON.stringify(await json(response.clone()))).toBe(200);
}

const event = (extra: Record<string, unknown>) => ({
  userId: 'u1',
  itemId: 'v1',
  time: Date.now(),
  ...extra,
});

describe('times (item 4)', () => {
  it.each([
    ['year 275760 in ms', 8.64e15],
    ['9999-12-31', '9999-12-31T00:00:00Z'],
    ['0001-01-01', '0001-01-01T00:00:00Z'],
    ['a negative time', -1],
    ['seconds, not ms', Math.floor(Date.now() / 1000)],
    ['two days ahead', Date.now() + 2 * DAY_MS],
    ['a fraction of a ms', Date.now() + 0.5],
  ])('refuses %s as an event time and an upload time', async (_name, time) => {
    const app = await seeded();
    const message = await refused(app, '/v1/events', event({ time }), 'time');
    expect(message).toMatch(/expected (a time from|whole unix)/);
    await refused(app, '/v1/items', { id: 'v2', uploadTime: time }, 'uploadTime');
    await refused(app, '/v1/events', [event({}), event({ id: 'late', time })], '[1].time');
  });

  it('accepts the edges of the default window: 10 years back, 1 day ahead, as ms and ISO', async () => {
    const app = await seeded();
    const now = Date.now();
    const oldest = now - 3653 * DAY_MS + 60_000;
    const latest = now + DAY_MS - 60_000;
    await accepted(app, '/v1/events', [
      event({ id: 'old', time: oldest }),
      event({ id: 'ahead', time: latest }),
      event({ id: 'iso', time: new Date(latest).toISOString() }),
    ]);
    await accepted(app, '/v1/items', { id: 'v2', uploadTime: new Date(oldest).toISOString() });
    expect((await app.store.getItem('v2'))?.uploadTime).toBe(oldest);
  });

  it('takes the window from the limits', async () => {
    const app = await seeded({
      limits: { timeWindowPastMs: 20 * 3653 * DAY_MS, timeWindowFutureMs: 30 * DAY_MS },
    });
    await accepted(app, '/v1/events', [
      event({ id: 'from 2010', time: '2010-01-01T00:00:00Z' }),
      event({ id: 'a simulated month', time: Date.now() + 29 * DAY_MS }),
    ]);
    await refused(app, '/v1/events', event({ time: Date.now() + 31 * DAY_MS }), 'time');
  });
});

describe('numbers (item 5)', () => {
  it.each([
    ['signals.playTimeMs', { signals: { playTimeMs: 1e308 } }],
    ['label', { label: 1e308 }],
    ['label', { label: -1e308 }],
    ['signals.playTimeMs', { signals: { playTimeMs: DAY_MS + 1 } }],
    ['signals.profileStayTimeMs', { signals: { profileStayTimeMs: -1 } }],
    ['signals.click', { signals: { click: 2 } }],
    ['position', { position: 1.5 }],
    ['position', { position: 2 ** 40 }],
  ])('refuses %s of %j', async (field, extra) => {
    const app = await seeded();
    await refused(app, '/v1/events', event(extra), field);
  });

  it.each([
    ['durationMs', { durationMs: 1e308 }],
    ['semanticId.0', { semanticId: [2 ** 40] }],
    ['semanticId', { semanticId: new Array(17).fill(1) }],
  ])('refuses item %s of %j', async (field, extra) => {
    const app = await seeded();
    await refused(app, '/v1/items', { id: 'v2', ...extra }, field.replace(/\.(\d+)$/, '[$1]'));
  });

  it('refuses a user feature of 1e308', async () => {
    const app = await seeded();
    await refused(app, '/v1/users', { id: 'u1', features: { fans: 1e308 } }, 'features.fans');
  });

  it('accepts the edges: a day of play, labels of +-1000, position 10,000', async () => {
    const app = await seeded();
    await accepted(app, '/v1/events', [
      event({ id: 'a', label: 1000, position: 10_000, signals: { playTimeMs: DAY_MS, click: 1 } }),
      event({ id: 'b', label: -1000, position: 0, signals: { playTimeMs: 0, commentStayTimeMs: DAY_MS } }),
    ]);
    await accepted(app, '/v1/items', { id: 'v2', durationMs: DAY_MS, semanticId: [0, 1_048_575] });
    expect(await app.store.counts()).toMatchObject({ items: 2, events: 2 });
  });
});

describe('ids (item 6)', () => {
  it.each([
    ['100,000 characters', 'x'.repeat(100_000)],
    ['513 characters', 'x'.repeat(513)],
    ['only spaces', '   '],
    ['a line break', 'v\n1'],
    ['a NUL', 'v\u00001'],
    ['a C1 control character', 'v\u00851'],
    ['empty', ''],
  ])('refuses an id of %s in every id field', async (_name, id) => {
    const app = await seeded();
    await refused(app, '/v1/items', { id }, 'id');
    await refused(app, '/v1/items', { id: 'v2', author: id }, 'author');
    await refused(app, '/v1/users', { id }, 'id');
    for (const field of ['id', 'userId', 'itemId', 'requestId', 'pipeline', 'experiment'])
      await refused(app, '/v1/events', event({ [field]: id }), field);
    await refused(app, '/v1/items', { id: 'v2', hashtags: ['ok', id] }, 'hashtags[1]');
  });

  it('refuses a blank or overlong feature name and an overlong feature text', async () => {
    const app = await seeded();
    await refused(app, '/v1/users', { id: 'u1', features: { '  ': 1 } }, 'features.  ');
    await refused(
      app,
      '/v1/users',
      { id: 'u1', features: { ['k'.repeat(201)]: 1 } },
      `features.${'k'.repeat(201)}`,
    );
    await refused(app, '/v1/users', { id: 'u1', features: { city: 'x'.repeat(1001) } }, 'features.city');
  });

  it('accepts a 512-character id with spaces and any script, and reads it back by path', async () => {
    const app = await seeded();
    const id = `视频 ${'x'.repeat(509)}`;
    expect(id).toHaveLength(512);
    await accepted(app, '/v1/items', { id, author: 'chef 1' });
    const read = await app.call('GET', `/v1/items/${encodeURIComponent(id)}`, { key: testKeys.read });
    expect(read.status).toBe(200);
    expect((await json(read)).id).toBe(id);
  });
});

describe('the OpenAPI document', () => {
  it('declares a bound for every field of every write body', async () => {
    const app = await seeded();
    const document = await json(await app.call('GET', '/openapi.json', { key: null }));
    const schemas: Record<string, unknown> = document.components.schemas;
    const resolve = (schema: Record<string, unknown>): Record<string, unknown> =>
      typeof schema.$ref === 'string'
        ? resolve(schemas[schema.$ref.split('/').at(-1)!] as Record<string, unknown>)
        : schema;
    const unbounded: string[] = [];
    const walk = (raw: Record<string, unknown>, where: string): void => {
      const schema = resolve(raw);
      for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
        const options = schema[key] as Array<Record<string, unknown>> | undefined;
        for (const [index, option] of (options ?? []).entries()) walk(option, `${where}|${index}`);
      }
      if (schema.enum !== undefined || schema.const !== undefined || schema.type === 'boolean') return;
      if (schema.type === 'string' && typeof schema.maxLength !== 'number')
        unbounded.push(`${where}: maxLength`);
      if (schema.type === 'number' || schema.type === 'integer') {
        if (typeof schema.minimum !== 'number' || typeof schema.maximum !== 'number')
          unbounded.push(`${where}: minimum/maximum`);
      }
      if (schema.type === 'array') {
        if (typeof schema.maxItems !== 'number') unbounded.push(`${where}: maxItems`);
        walk(schema.items as Record<string, unknown>, `${where}[]`);
      }
      if (schema.type === 'object') {
        for (const [name, property] of Object.entries(
          (schema.properties ?? {}) as Record<string, Record<string, unknown>>,
        ))
          walk(property, `${where}.${name}`);
        const extra = schema.additionalProperties;
        if (typeof extra === 'object' && extra !== null) {
          if (typeof schema.maxProperties !== 'number') unbounded.push(`${where}: maxProperties`);
          walk(schema.propertyNames as Record<string, unknown>, `${where}{key}`);
          walk(extra as Record<string, unknown>, `${where}{}`);
        }
      }
    };
    let bodies = 0;
    type Operation = { requestBody?: { content?: Record<string, { schema?: Record<string, unknown> }> } };
    const paths = document.paths as Record<string, Record<string, Operation>>;
    for (const [path, operations] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const body = operation.requestBody?.content?.['application/json']?.schema;
        if (body === undefined) continue;
        bodies++;
        walk(body, `${method.toUpperCase()} ${path}`);
      }
    }
    expect(bodies).toBe(4);
    expect(unbounded).toEqual([]);
    const event = resolve(schemas.Event as Record<string, unknown>).properties as Record<
      string,
      Record<string, unknown>
    >;
    expect(event.userId).toMatchObject({ maxLength: 512, pattern: expect.any(String) });
    expect(event.label).toMatchObject({ minimum: -1000, maximum: 1000 });
    expect(event.time?.description).toMatch(/3653 days back, 1 day ahead/);
  });
});
