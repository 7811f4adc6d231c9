import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { testKeys } from '../../src/serve/test-support/test-app.js';
import { describeRequest, type FuzzRequest, toRequestInit } from './fuzz-request.js';
import { fuzzWorld } from './fuzz-world.js';
import { type RequestContext, requestArbitrary } from './request-arbitrary.js';
import {
  type OpenApiDocument,
  openApiRoutes,
  type RouteSpec,
  refusedOnly,
  routeKey,
  undocumentedRoutes,
} from './route-specs.js';
import type { JsonSchema } from './schema-arbitrary.js';
import { changedParts, storeSnapshot } from './store-snapshot.js';

/**
 * Property-based requests against every route of the server (the API, the
 * dashboard, metrics, the OpenAPI document): each must be answered 2xx or 4xx
 * (303 where a page redirects to its login), within `ANSWER_MS`; a 4xx must
 * leave the store as it was; the server must be alive afterwards.
 *
 * Budget: `GENFEED_FUZZ_RUNS` requests per route (default 200, seeded by
 * `GENFEED_FUZZ_SEED`, default 15, so `npm test` sends the same requests every
 * time), or, with `GENFEED_FUZZ_SECONDS`, that many seconds split across the
 * routes and a new seed unless one is given (`npm run fuzz`). A failure
 * prints fast-check's smallest counterexample: the route, the request and the
 * status.
 */

/** The bound on each answer; a loaded CI machine may need more (`GENFEED_FUZZ_ANSWER_MS`). */
const ANSWER_MS = Number(process.env.GENFEED_FUZZ_ANSWER_MS ?? 2000);
const runs = Number(process.env.GENFEED_FUZZ_RUNS ?? 200);
const seconds = Number(process.env.GENFEED_FUZZ_SECONDS ?? 0);
// A long run explores new requests each time; the report and any counterexample name its seed.
const seed = Number(process.env.GENFEED_FUZZ_SEED ?? (seconds > 0 ? Date.now() % 2 ** 31 : 15));

const now = Date.now();
const world = await fuzzWorld(now);
/** Answers by route and status: the report of `npm run fuzz`, and proof that each route was reached. */
const tally = new Map<string, Map<number, number>>();
const slowest = new Map<string, number>();
afterAll(async () => {
  await world.close();
  if (seconds > 0) process.stdout.write(`${report()}\n`);
});

function report(): string {
  const lines = [...tally].map(([route, statuses]) => {
    const total = [...statuses.values()].reduce((sum, count) => sum + count, 0);
    const byStatus = [...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}: ${count}`);
    const ms = Math.round(slowest.get(route) ?? 0);
    return `${route.padEnd(36)} ${String(total).padStart(7)} requests, slowest ${ms} ms (${byStatus.join(', ')})`;
  });
  return [`fuzz seed ${seed}`, ...lines].join('\n');
}

const document = (await (await world.app.request('/openapi.json')).json()) as OpenApiDocument;
const documented = openApiRoutes(document);
const handwritten = new Map(undocumentedRoutes.map((spec) => [routeKey(spec.method, spec.pattern), spec]));
/** Every route the app answers: middleware (`ALL`) is fuzzed through them. */
const routes = [
  ...new Set(
    world.app.routes.filter((route) => route.method !== 'ALL').map((r) => routeKey(r.method, r.path)),
  ),
];
const specs = routes.flatMap((route) => documented.get(route) ?? handwritten.get(route) ?? []);
const perRouteMs = (seconds * 1000) / Math.max(1, specs.length);

/**
 * What requests are drawn from, with new dashboard sessions: a route that logs
 * out (with the session's CSRF token) must not end them for the routes after it.
 */
async function requestContext(): Promise<RequestContext> {
  const session = await logIn(testKeys.admin);
  const readSession = await logIn(testKeys.read);
  return {
    schema: {
      resolve: (ref) => {
        const name = ref.replace('#/components/schemas/', '');
        const schema = document.components?.schemas?.[name];
        if (schema === undefined) throw new Error(`No schema ${ref} in the OpenAPI document`);
        return schema as JsonSchema;
      },
      known: knownFor,
      now,
    },
    credentials: [
      ...Object.values(testKeys).map((key) => ({ authorization: `Bearer ${key}` })),
      { authorization: `Bearer ${testKeys.admin}` },
      { authorization: `Bearer ${testKeys.admin}` },
      { cookie: `genfeed_dashboard_session=${session.token}` },
      { cookie: `genfeed_dashboard_session=${readSession.token}` },
    ],
    wrongCredentials: [
      {},
      { authorization: 'Bearer unknown-key-0123456789abcdef' },
      { authorization: 'Bearer' },
      { authorization: 'Bearer  ' },
      { authorization: `bearer ${testKeys.admin}` },
      { authorization: `Bearer ${testKeys.admin} ${testKeys.read}` },
      { authorization: `Basic ${btoa(`admin:${testKeys.admin}`)}` },
      { authorization: `Bearer ${'k'.repeat(10_000)}` },
      { cookie: 'genfeed_dashboard_session=forged-session-token' },
    ],
    secrets: [...Object.values(testKeys), session.csrf, 'not-a-key', ''],
  };
}

/** The ids a field (or the collection of a path parameter) of this name holds: all of them when the name says nothing. */
function knownFor(field: string | undefined): readonly string[] {
  const { items, users, authors, requests, pipelines, experiments, models, versions } = world.known;
  if (field === undefined) return [...items, ...users, ...authors, ...requests, ...pipelines, ...experiments];
  if (/^experiments?$/i.test(field)) return experiments;
  if (/^models?$/i.test(field)) return models;
  if (/^versions?$/i.test(field)) return versions;
  if (/^items?$|itemId/i.test(field)) return items;
  if (/^users?$|userId/i.test(field)) return users;
  if (/author|creator/i.test(field)) return authors;
  if (/requestId/i.test(field)) return requests;
  if (/pipeline/i.test(field)) return pipelines;
  return knownFor(undefined);
}

/** A dashboard session: its cookie's token and the CSRF token its pages carry. */
async function logIn(key: string): Promise<{ token: string; csrf: string }> {
  const login = await world.app.request('/dashboard/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ key }).toString(),
  });
  const token = /genfeed_dashboard_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
  if (token === undefined) throw new Error(`Logging in with ${key} set no session cookie (${login.status})`);
  const page = await world.app.request('/dashboard/creator', {
    headers: { cookie: `genfeed_dashboard_session=${token}` },
  });
  const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  return { token, csrf };
}

/** Every string a request names (path segments, body values) and the seeded ids: the records it could touch. */
function namedIds(request: FuzzRequest): string[] {
  const names = new Set([...world.known.items, ...world.known.users]);
  const path = request.url.split('?')[0] ?? '';
  for (const segment of path.split('/')) {
    try {
      names.add(decodeURIComponent(segment));
    } catch {
      names.add(segment);
    }
  }
  const collect = (value: unknown): void => {
    if (typeof value === 'string') names.add(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(collect);
  };
  try {
    collect(JSON.parse(request.body ?? 'null'));
  } catch {
    // Not JSON: the server refuses it before it could name anything.
  }
  return [...names].slice(0, 5000);
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ANSWER_MS} ms`)), ANSWER_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Whether `status` is a right answer to a request for `spec`. */
function acceptable(status: number, spec: RouteSpec): boolean {
  return (
    (status >= 200 && status < 300) ||
    (status >= 400 && status < 500) ||
    (spec.redirects === true && status === 303)
  );
}

async function check(spec: RouteSpec, request: FuzzRequest): Promise<void> {
  const ids = namedIds(request);
  const before = await storeSnapshot(world.store, ids);
  const errorsBefore = world.errors.length;
  const started = performance.now();
  const { status, text } = await withTimeout(
    (async () => {
      const response = await world.app.request(request.url, toRequestInit(request));
      return { status: response.status, text: await response.text() };
    })(),
    describeRequest(request),
  );
  const elapsed = performance.now() - started;
  const statuses = tally.get(request.route) ?? new Map<number, number>();
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
  tally.set(request.route, statuses);
  slowest.set(request.route, Math.max(elapsed, slowest.get(request.route) ?? 0));
  const logged = world.errors.slice(errorsBefore).join('\n').slice(0, 2000);
  if (!acceptable(status, spec))
    throw new Error(
      `${status} for ${describeRequest(request)}\nbody: ${text.slice(0, 500)}\nlogged: ${logged}`,
    );
  if (elapsed > ANSWER_MS)
    throw new Error(`${status} after ${Math.round(elapsed)} ms for ${describeRequest(request)}`);
  if (status >= 400) {
    const changed = changedParts(before, await storeSnapshot(world.store, ids));
    if (changed.length > 0)
      throw new Error(`${status} changed the store (${changed.join(', ')}) for ${describeRequest(request)}`);
  }
}

describe('fuzzing every route', () => {
  it('has a generator for every route the app answers', () => {
    const missing = routes.filter((route) => !documented.has(route) && !handwritten.has(route));
    expect(
      missing,
      'routes without a generator: add them to undocumentedRoutes (test/fuzz/route-specs.ts)',
    ).toEqual([]);
    // A spec for a route the app no longer has is stale.
    expect([...handwritten.keys()].filter((route) => !routes.includes(route))).toEqual([]);
  });

  for (const spec of specs) {
    const route = routeKey(spec.method, spec.pattern);
    it(
      route,
      async () => {
        const context = await requestContext();
        const property = fc.asyncProperty(requestArbitrary(spec, context), (request) => check(spec, request));
        await fc.assert(property, {
          seed,
          ...(seconds > 0
            ? { numRuns: Number.MAX_SAFE_INTEGER, plugins: [fc.interruptAfterTimeLimit(perRouteMs)] }
            : { numRuns: runs }),
        });
      },
      seconds > 0 ? perRouteMs + 120_000 : 120_000,
    );
  }

  it('got past validation and auth on every route: each answered a 2xx (or a 303) at least once', () => {
    // Without this, a change that refused everything (a key format, a time window) would leave the suite
    // passing on 4xx alone.
    const neverServed = [...tally]
      .filter(([route]) => !refusedOnly.has(route))
      .filter(([, statuses]) => ![...statuses.keys()].some((status) => status < 300 || status === 303))
      .map(([route]) => route);
    expect(neverServed).toEqual([]);
    expect(tally.size).toBe(specs.length);
  });

  it('leaves the server alive: /health/live and /health/ready answer 200', async () => {
    expect((await world.app.request('/health/live')).status).toBe(200);
    expect((await world.app.request('/health/ready')).status).toBe(200);
    expect(world.errors).toEqual([]);
  });
});
