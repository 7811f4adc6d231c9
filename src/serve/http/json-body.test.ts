import { afterAll, describe, expect, it } from 'vitest';
import { json, type TestApp, testApp, testKeys } from '../test-support/test-app.js';
import { defaultLimits } from './serve-context.js';

/** The largest body a limit allows, all nesting: `[[[...]]]`. */
function nestedArrays(bytes: number): string {
  const depth = Math.floor(bytes / 2);
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

/** The largest body a limit allows, all nesting: `{"a":{"a":...1...}}`. */
function nestedObjects(bytes: number): string {
  const depth = Math.floor((bytes - 1) / 6);
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

const routes = [
  { path: '/v1/creators/chef/titles', key: testKeys.read, limit: defaultLimits.maxOtherBodyBytes },
  { path: '/v1/events', key: testKeys.write, limit: defaultLimits.maxBodyBytes },
];

describe('jsonBody', () => {
  let current: TestApp | undefined;
  afterAll(async () => current?.store.close());

  for (const { path, key, limit } of routes) {
    for (const [shape, body] of [
      ['arrays', nestedArrays(limit)],
      ['objects', nestedObjects(limit)],
    ] as const) {
      it(`answers the deepest body the limit allows (${shape}, ${body.length} bytes) on ${path} at once`, async () => {
        current ??= await testApp();
        const { app } = current;
        expect(body.length).toBeLessThanOrEqual(limit);
        const started = performance.now();
        const response = await app.request(path, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body,
        });
        const seconds = (performance.now() - started) / 1000;
        expect(response.status).toBe(400);
        expect((await json(response)).error).toMatchObject({
          code: 'nesting_too_deep',
          message: expect.stringContaining('deeper than 64 levels'),
        });
        expect(seconds).toBeLessThan(2);
        expect((await app.request('/health/live')).status).toBe(200);
      });
    }
  }

  it('accepts nesting up to the limit and still names a bad string deep inside', async () => {
    current ??= await testApp();
    // 63 arrays around the batch element, whose caption holds a NUL: the walk reaches it and names its path.
    const wrapped = `${'['.repeat(63)}{"id":"v1","caption":"a\\u0000b"}${']'.repeat(63)}`;
    const response = await current.app.request('/v1/items', {
      method: 'POST',
      headers: { authorization: `Bearer ${testKeys.write}`, 'content-type': 'application/json' },
      body: wrapped,
    });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toMatchObject({
      code: 'invalid_input',
      field: `${'[0]'.repeat(63)}.caption`,
      message: expect.stringContaining('NUL'),
    });
  });
});
