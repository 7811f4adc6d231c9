import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedPipeline } from '../feed/index.js';
import { ApiKeys } from '../serve/index.js';
import { openSqliteStore, type Store } from '../storage/index.js';
import { mountDashboard } from './mount-dashboard.js';
import { authorizeWithApiKeys } from './serve-wiring.js';
import { type SeedSummary, seedStore } from './test-support/seed-store.js';

const keys: Record<string, string[]> = {
  'admin-key-0123456789': ['admin'],
  'creator-key-0123456789': ['creator'],
  'read-key-0123456789': ['read'],
};
const admin = { authorization: 'Bearer admin-key-0123456789' };

let folder: string;
let store: Store;
let seed: SeedSummary;
let app: Hono;

/** A toy pipeline: the catalogue's first items, for the side-by-side feeds. */
const firstItems = (name: string, ids: string[]): FeedPipeline => ({
  name,
  modelVersion: `${name}@1`,
  recommend: (request) => ({
    items: ids
      .filter((id) => !request.exclude.has(id))
      .slice(0, request.n)
      .map((itemId, rank) => ({ itemId, score: 1 - rank / 10, scores: { recall: 0.5 } })),
    stages: { rank: { cpuMs: 0.1, latencyMs: 0.1 } },
  }),
});

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'genfeed-web-'));
  store = await openSqliteStore({ path: join(folder, 'store.sqlite'), synchronous: 'normal' });
  seed = await seedStore(store, { users: 120, items: 200, days: 3 });
  app = new Hono();
  mountDashboard(app, {
    store,
    authorize: (key) => keys[key],
    pipelines: () => [firstItems('generative', ['0', '1', '2']), firstItems('cascade', ['3', '4', '5'])],
    benchResultsDir: join(folder, 'no-bench-results'),
  });
});

afterAll(async () => {
  await store?.close();
  rmSync(folder, { recursive: true, force: true });
});

async function json<T>(path: string, headers: Record<string, string> = admin): Promise<T> {
  const response = await app.request(path, { headers });
  expect(response.status, `${path}: ${await response.clone().text()}`).toBe(200);
  return (await response.json()) as T;
}

describe('mountDashboard', () => {
  it('asks for a key with a scope that fits', async () => {
    const missing = await app.request('/v1/admin/overview');
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({
      error: {
        code: 'unauthorized',
        message: 'Missing API key: send "Authorization: Bearer <key>"',
        field: 'Authorization',
      },
    });
    expect(
      (await app.request('/v1/admin/overview', { headers: { authorization: 'Bearer nope' } })).status,
    ).toBe(401);
    const reader = { authorization: 'Bearer read-key-0123456789' };
    expect((await app.request('/v1/admin/overview', { headers: reader })).status).toBe(403);
    expect((await app.request('/v1/creator/insights', { headers: reader })).status).toBe(200);
    const creator = { authorization: 'Bearer creator-key-0123456789' };
    expect((await app.request('/v1/admin/overview', { headers: creator })).status).toBe(403);
    expect((await app.request('/v1/creator/insights', { headers: creator })).status).toBe(200);
    const page = await app.request('/dashboard/experiments?experiment=x');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe(
      '/dashboard/login?next=%2Fdashboard%2Fexperiments%3Fexperiment%3Dx',
    );
  });

  it('logs in with a form, keeps a session token (not the key) in an HttpOnly cookie and refuses unknown keys', async () => {
    const bad = await app.request('/dashboard/login', {
      method: 'POST',
      body: new URLSearchParams({ key: 'wrong' }),
    });
    expect(bad.status).toBe(401);
    expect(await bad.text()).toContain('This API key is not recognised.');
    const good = await app.request('/dashboard/login', {
      method: 'POST',
      body: new URLSearchParams({ key: 'admin-key-0123456789', next: 'https://elsewhere.example/' }),
    });
    expect(good.status).toBe(303);
    expect(good.headers.get('location')).toBe('/dashboard');
    const cookie = good.headers.get('set-cookie')!;
    expect(cookie).not.toContain('admin-key-0123456789');
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await app.request('/dashboard', { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    const counts = await store.counts();
    expect(await page.text()).toContain(`data-value="${counts.requests}"`);
  });

  it('reports the store totals and the window per pipeline on the overview', async () => {
    const data = await json<{
      totals: { requests: number; events: number };
      pipelines: string[];
      days: Array<{ requests: Record<string, number>; events: number; aiEventShare: number }>;
      window: { requests: number; events: number };
    }>('/v1/admin/overview?days=5');
    const counts = await store.counts();
    expect(data.totals.requests).toBe(counts.requests);
    expect(data.totals.requests).toBe(seed.requests);
    expect(data.pipelines).toEqual(['cascade', 'generative']);
    expect(data.days).toHaveLength(5);
    // Every seeded request and event falls in the 5 days ending with the newest event.
    expect(data.window.requests).toBe(seed.requests);
    expect(data.days.reduce((sum, day) => sum + day.events, 0)).toBe(seed.events);
    const stats = await store.pipelineStats();
    for (const pipeline of data.pipelines) {
      const perDay = data.days.reduce((sum, day) => sum + (day.requests[pipeline] ?? 0), 0);
      expect(perDay).toBe(stats.find((entry) => entry.pipeline === pipeline)!.requests);
    }
    const share = data.days.find((day) => day.events > 0)!.aiEventShare;
    expect(share).toBeGreaterThan(0);
    expect(share).toBeLessThan(1);
  });

  it('fits the default window to a log younger than 14 days', async () => {
    const data = await json<{ days: Array<{ day: string; events: number }> }>('/v1/admin/overview');
    // Seeded: 3 days of sessions (the last ones may run past midnight).
    expect(data.days.length).toBeGreaterThanOrEqual(3);
    expect(data.days.length).toBeLessThanOrEqual(4);
    expect(data.days[0]!.events).toBeGreaterThan(0);
    expect(data.days.at(-1)!.events).toBeGreaterThan(0);
  });

  it('compares the buckets with intervals and per-stage CPU', async () => {
    const data = await json<{
      buckets: Array<{
        pipeline: string;
        requests: number;
        stayTimeSecondsPerUserDay: { value: number; low: number; high: number };
        stages: Record<string, { cpuMs: number }>;
        sampledRequests: number;
        cpuMsPerRequest: number;
        stayTimeLift?: { value: number };
      }>;
      reference: string;
    }>(`/v1/admin/experiments?experiment=${seed.experiment}`);
    const stats = await store.pipelineStats({ experiment: seed.experiment });
    expect(data.reference).toBe('cascade');
    expect(data.buckets.map((bucket) => bucket.pipeline)).toEqual(['cascade', 'generative']);
    for (const bucket of data.buckets) {
      const totals = stats.find((entry) => entry.pipeline === bucket.pipeline)!;
      expect(bucket.requests).toBe(totals.requests);
      expect(bucket.cpuMsPerRequest).toBeCloseTo(totals.cpuMs / totals.requests, 9);
      const stay = bucket.stayTimeSecondsPerUserDay;
      expect(stay.low).toBeLessThanOrEqual(stay.value);
      expect(stay.high).toBeGreaterThanOrEqual(stay.value);
      expect(bucket.sampledRequests).toBeGreaterThan(0);
      // The sampled stages add up to about the bucket's CPU per request.
      const stageSum = Object.values(bucket.stages).reduce((sum, stage) => sum + stage.cpuMs, 0);
      expect(stageSum).toBeGreaterThan(0.5 * bucket.cpuMsPerRequest);
      expect(stageSum).toBeLessThan(1.5 * bucket.cpuMsPerRequest);
    }
    expect(Object.keys(data.buckets[0]!.stages).sort()).toEqual(['prerank', 'rank', 'recall']);
    expect(Object.keys(data.buckets[1]!.stages)).toEqual(['beam']);
    expect(data.buckets[0]!.stayTimeLift).toBeUndefined();
    expect(Number.isFinite(data.buckets[1]!.stayTimeLift!.value)).toBe(true);
  });

  it('finds items and shows what is not available yet', async () => {
    const search = await json<{ results: Array<{ id: string }> }>(`/v1/admin/items?q=${seed.sampleItem}`);
    expect(search.results[0]!.id).toBe(seed.sampleItem);
    const page = await app.request(`/dashboard/items?id=${seed.sampleItem}`, { headers: admin });
    const text = await page.text();
    expect(text).toContain(`Item ${seed.sampleItem}`);
    expect(text).toContain('Similar items: not available yet');
    const details = await json<{ audience: Array<{ userId: string }> }>(
      `/v1/admin/items?id=${seed.sampleItem}`,
    );
    expect(details.audience.length).toBeGreaterThan(0);
    const viewers = new Set<string>();
    for await (const event of store.streamEvents())
      if (event.itemId === seed.sampleItem) viewers.add(event.userId);
    for (const user of details.audience) expect(viewers.has(user.userId)).toBe(false);
  });

  it('shows a user the feeds of both pipelines without repeating what they saw', async () => {
    const data = await json<{
      history: unknown[];
      feeds: Array<{ pipeline: string; items: Array<{ itemId: string }> }>;
    }>(`/v1/admin/users?id=${seed.sampleUser}`);
    expect(data.history.length).toBeGreaterThan(0);
    expect(data.feeds.map((feed) => feed.pipeline)).toEqual(['generative', 'cascade']);
    const shown = new Set(await store.shownItems(seed.sampleUser, 0));
    for (const feed of data.feeds) for (const item of feed.items) expect(shown.has(item.itemId)).toBe(false);
  });

  it('gives a creator the fans hours, posting windows, trends and titles from the assistant', async () => {
    const data = await json<{
      platformHeatmap: number[];
      fanHeatmap: number[];
      figures: { events: number; fans: number };
      postingWindows: Array<{ label: string }>;
      trends: unknown[];
      draft: string;
      titles: Array<{ title: string; source: string }>;
    }>(`/v1/creator/insights?author=${encodeURIComponent(seed.sampleAuthor)}`);
    expect(data.platformHeatmap).toHaveLength(168);
    expect(data.platformHeatmap.reduce((sum, value) => sum + value, 0)).toBe(seed.events);
    expect(data.figures.events).toBeGreaterThan(0);
    expect(data.figures.fans).toBeGreaterThan(0);
    expect(data.fanHeatmap.reduce((sum, value) => sum + value, 0)).toBeGreaterThan(0);
    expect(data.postingWindows).toHaveLength(3);
    for (const window of data.postingWindows)
      expect(window.label).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d:00/);
    const own = (await store.listItems({ limit: 10_000 })).records.filter(
      (item) => item.author === seed.sampleAuthor,
    );
    expect(own.map((item) => item.caption)).toContain(data.draft);
    expect(data.titles.length).toBeGreaterThan(0);
    expect(data.titles[0]!.source).toBe('mined');
    const drafted = await json<{ draft: string; titles: Array<{ title: string; similarity: number }> }>(
      `/v1/creator/insights?author=${encodeURIComponent(seed.sampleAuthor)}&draft=${encodeURIComponent('美食 短视频')}`,
    );
    expect(drafted.draft).toBe('美食 短视频');
    expect(drafted.titles.length).toBeGreaterThan(0);
    expect(drafted.titles.every((title) => title.similarity > 0)).toBe(true);
    const unknown = await app.request('/v1/creator/insights?author=nobody', { headers: admin });
    expect(((await unknown.json()) as { authorError: string }).authorError).toBe(
      'Creator nobody has no items in the catalogue',
    );
  });

  it("shows a creator's key its own creator only, whatever author it asks for", async () => {
    keys['bound-key-0123456789'] = [`creator:${seed.sampleAuthor}`];
    const bound = { authorization: 'Bearer bound-key-0123456789' };
    const other = (await json<{ authors: Array<{ author: string }> }>('/v1/creator/insights')).authors.find(
      (entry) => entry.author !== seed.sampleAuthor,
    )!.author;
    const data = await json<{
      author: string;
      authors: Array<{ author: string }>;
      figures: { events: number };
    }>(`/v1/creator/insights?author=${encodeURIComponent(other)}`, bound);
    expect(data.author).toBe(seed.sampleAuthor);
    expect(data.authors.map((entry) => entry.author)).toEqual([seed.sampleAuthor]);
    expect(data.figures.events).toBeGreaterThan(0);
    expect((await app.request('/v1/admin/overview', { headers: bound })).status).toBe(403);
    const page = await app.request(`/dashboard/creator?author=${encodeURIComponent(other)}`, {
      headers: bound,
    });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(seed.sampleAuthor);
    expect(html).not.toContain(`value="${other}"`);
  });

  it("turns the server's creator keys into a creator-bound scope, other keys into their scopes", async () => {
    const authorize = authorizeWithApiKeys(
      ApiKeys.from([
        { key: 'studio-key-0123456789', scopes: ['read'], creator: 'chef' },
        { key: 'reader-key-0123456789', scopes: ['read'] },
      ]),
    );
    expect(await authorize('studio-key-0123456789')).toEqual(['creator:chef']);
    expect(await authorize('reader-key-0123456789')).toEqual(['read']);
    expect(await authorize('nobody-key-0123456789')).toBeUndefined();
  });

  it('names a bad query parameter', async () => {
    const response = await app.request('/v1/admin/overview?days=abc', { headers: admin });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        code: 'invalid_input',
        message: 'query parameter "days": expected a whole number of days from 1 to 366',
        field: 'days',
      },
    });
  });
});
