import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiKeys,
  createApp,
  defaultLimits,
  PopularFeedSource,
  ServeMetrics,
  startServer,
} from '../serve/index.js';
import { openSqliteStore, type Store } from '../storage/index.js';
import { LOGIN_BODY_BYTES, mountDashboard } from './mount-dashboard.js';
import { authorizeWithApiKeys } from './serve-wiring.js';

/**
 * Every route that takes a body refuses one byte more than its limit with a 413,
 * before the body is buffered: the server's app with the dashboard mounted on
 * it, as `genfeed serve` runs them.
 */

const adminKey = 'admin-key-0123456789abcdef';
const keys = ApiKeys.from([{ key: adminKey, scopes: ['admin'], name: 'operator' }]);
const ingestPaths = ['/v1/items', '/v1/users', '/v1/events'];
/** The model upload's own limit, small here so the test stays cheap (default 256 MiB). */
const maxModelBytes = 512 * 1024;

/** The limit each route is meant to have. */
function limitOf(path: string): number {
  if (ingestPaths.includes(path)) return defaultLimits.maxBodyBytes;
  if (path === '/v1/admin/models/x/versions') return maxModelBytes;
  if (path.startsWith('/dashboard/')) return LOGIN_BODY_BYTES; // login, logout and the experiment forms
  return defaultLimits.maxOtherBodyBytes;
}

let store: Store;
let app: Hono;

beforeAll(async () => {
  store = await openSqliteStore({ path: ':memory:' });
  const served = createApp({
    store,
    feeds: new PopularFeedSource(store),
    keys,
    metrics: new ServeMetrics({ processMetrics: false }),
    limits: { maxModelBytes },
  });
  mountDashboard(served, { store, authorize: authorizeWithApiKeys(keys) });
  app = served as unknown as Hono;
});
afterAll(async () => store.close());

function post(
  path: string,
  body: string | ReadableStream<Uint8Array>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return Promise.resolve(
    app.request(path, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, ...headers },
      body,
      // A stream body is sent as it is read, without a Content-Length (chunked on the wire).
      ...(body instanceof ReadableStream && { duplex: 'half' }),
    } as RequestInit),
  );
}

/** The `{ error }` of an error response. */
async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

const CHUNK_BYTES = 64 * 1024;
/** Bytes a stream is read ahead of the limit check: the chunk being counted and the stream's queue. */
const READ_AHEAD = 3 * CHUNK_BYTES;

/** A body that never ends, counting the bytes it was asked for. */
function endlessBody(): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  const chunk = new Uint8Array(CHUNK_BYTES).fill(0x61);
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += chunk.length;
      controller.enqueue(chunk);
    },
  });
  return { stream, pulled: () => pulled };
}

describe('body limits', () => {
  it('holds one for every route that takes a body: one byte over it is a 413, the limit itself is not', async () => {
    const withBodies = [
      ...new Set(
        app.routes
          .filter((route) => ['POST', 'PUT', 'PATCH'].includes(route.method))
          .map((route) => route.path.replace(/:[^/]+/g, 'x')),
      ),
    ];
    expect(withBodies).toEqual(
      expect.arrayContaining([
        ...ingestPaths,
        '/v1/creators/x/titles',
        '/v1/admin/experiments',
        '/v1/admin/experiments/x/split',
        '/dashboard/login',
        '/dashboard/experiments/split',
        '/v1/admin/models/x/versions',
        '/dashboard/models/activate',
      ]),
    );
    for (const path of withBodies) {
      const limit = limitOf(path);
      const headers = { 'content-type': 'application/json' };
      const over = await post(path, ' '.repeat(limit + 1), headers);
      expect({ path, status: over.status }).toEqual({ path, status: 413 });
      expect((await errorOf(over)).code).toBe('payload_too_large');
      const at = await post(path, ' '.repeat(limit), headers);
      expect({ path, status: at.status }).not.toEqual({ path, status: 413 });
    }
  });

  it('refuses an oversized login form, with a length or chunked without one, before reading it all', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const declared = await post('/dashboard/login', `key=${'a'.repeat(LOGIN_BODY_BYTES)}`, form);
    expect(declared.status).toBe(413);
    expect(await errorOf(declared)).toMatchObject({
      code: 'payload_too_large',
      message: expect.stringContaining(`${LOGIN_BODY_BYTES} bytes`),
    });

    const { stream, pulled } = endlessBody();
    const chunked = await post('/dashboard/login', stream, form);
    expect(chunked.status).toBe(413);
    // The server's limit of routes it does not know (the dashboard's) comes first.
    expect(pulled()).toBeLessThan(defaultLimits.maxOtherBodyBytes + READ_AHEAD);
  });

  it('refuses an oversized chunked body on an API route before reading it all', async () => {
    const { stream, pulled } = endlessBody();
    const chunked = await post('/v1/events', stream, { 'content-type': 'application/json' });
    expect(chunked.status).toBe(413);
    expect(await errorOf(chunked)).toMatchObject({
      code: 'payload_too_large',
      message: expect.stringContaining(`${defaultLimits.maxBodyBytes} bytes`),
    });
    expect(pulled()).toBeLessThan(defaultLimits.maxBodyBytes + READ_AHEAD);
  });

  it('limits the login form of a dashboard mounted on an app of its own', async () => {
    const own = new Hono();
    mountDashboard(own, { store, authorize: authorizeWithApiKeys(keys) });
    const { stream, pulled } = endlessBody();
    const response = await own.request('/dashboard/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('payload_too_large');
    expect(pulled()).toBeLessThan(LOGIN_BODY_BYTES + READ_AHEAD);
  });

  it('answers 413 over a socket, for a declared length and for a chunked body, and keeps serving', async () => {
    const served = await openSqliteStore({ path: ':memory:' });
    const server = await startServer({ store: served, feeds: new PopularFeedSource(served), keys });
    mountDashboard(server.app, { store: served, authorize: authorizeWithApiKeys(keys) });
    try {
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const declared = await fetch(`${server.url}/dashboard/login`, {
        method: 'POST',
        headers: form,
        body: `key=${'a'.repeat(4 << 20)}`,
      });
      expect(declared.status).toBe(413);
      expect((await errorOf(declared)).code).toBe('payload_too_large');

      const { stream, pulled } = endlessBody();
      const chunked = await fetch(`${server.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      expect(chunked.status).toBe(413);
      expect((await errorOf(chunked)).code).toBe('payload_too_large');
      expect(pulled()).toBeLessThan(4 * defaultLimits.maxBodyBytes);
      expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
