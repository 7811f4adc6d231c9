import { afterEach, describe, expect, it } from 'vitest';
import { InsightsService } from '../../insights/index.js';
import {
  chefItems,
  FAN_HOURS,
  fryerItems,
  NOW,
  seedCreatorFixture,
} from '../../insights/test-support/creator-fixture.js';
import { openSqliteStore, type Store } from '../../storage/index.js';
import { json, type TestApp, testApp, testKeys } from '../test-support/test-app.js';

let current: TestApp | undefined;
let clock = NOW;
async function setup(options: { seed?: boolean } = {}): Promise<TestApp> {
  clock = NOW;
  const store: Store = await openSqliteStore({ path: ':memory:' });
  if (options.seed ?? true) await seedCreatorFixture(store);
  current = await testApp({
    store,
    insights: { now: () => clock },
  });
  return current;
}
afterEach(async () => {
  await current?.store.close();
  current = undefined;
});

const read = { key: testKeys.read };

describe('GET /v1/creators/{id}/trends', () => {
  it("lists the rising topic near the creator's niche, with its evidence, and not the unrelated one", async () => {
    const { call } = await setup();
    const response = await call('GET', '/v1/creators/chef/trends', read);
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body).toMatchObject({ creatorId: 'chef', bin: 'day' });
    expect(body.window.events).toBeGreaterThan(300);
    const topics = body.trends.map((trend: { topic: string }) => trend.topic);
    // The best topic the creator does not use yet is the air fryer.
    const fresh = body.trends.filter((trend: { own: boolean }) => !trend.own);
    expect(fresh[0]?.topic).toBe('#空气炸锅');
    const rising = fresh[0];
    // 20 distinct viewers on the last day against 1 the day before.
    expect(rising).toMatchObject({ count: 20, previousCount: 1, own: false });
    expect(rising.growthPercent).toBeCloseTo(1900, 5);
    expect(rising.similarity).toBeGreaterThan(0);
    // Camping has no rise and nothing in common with cooking; promotional tags never trend.
    expect(topics).not.toContain('#露营');
    // The chef's own #家常菜 is watched by the same 12 fans every day: steady, not rising.
    expect(topics).not.toContain('#家常菜');
    expect(topics.some((topic: string) => topic.includes('热门'))).toBe(false);
  });

  it('404s a creator without items and 400s a bad query parameter, naming it', async () => {
    const { call } = await setup();
    const missing = await call('GET', '/v1/creators/nobody/trends', read);
    expect(missing.status).toBe(404);
    expect((await json(missing)).error).toMatchObject({ code: 'not_found', field: 'id' });
    expect((await json(await call('GET', '/v1/creators/nobody/trends', read))).error.message).toContain(
      '"nobody"',
    );
    const badBin = await call('GET', '/v1/creators/chef/trends?bin=week', read);
    expect(badBin.status).toBe(400);
    expect((await json(badBin)).error).toMatchObject({ code: 'invalid_input', field: 'bin' });
    const badN = await call('GET', '/v1/creators/chef/trends?n=0', read);
    expect((await json(badN)).error).toMatchObject({ code: 'invalid_input', field: 'n' });
    const unknown = await call('GET', '/v1/creators/chef/trends?limit=3', read);
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).error.message).toContain('"limit"');
  });
});

describe("a creator's key", () => {
  it("reads its own creator's routes and nothing else", async () => {
    const { call } = await setup();
    const chef = { key: testKeys.chef };
    expect((await call('GET', '/v1/creators/chef/trends', chef)).status).toBe(200);
    expect((await call('GET', '/v1/creators/chef/posting-times', chef)).status).toBe(200);
    for (const path of [
      '/v1/creators/fryer/trends',
      '/v1/creators/chef%2F..%2Ffryer/trends',
      '/v1/users/u1/feed',
      '/v1/items/chef-1',
    ]) {
      const response = await call('GET', path, chef);
      expect(response.status, path).toBe(403);
      expect((await json(response)).error.message).toBe(
        'API key "chef studio" belongs to creator "chef": it may only read /v1/creators/chef/...',
      );
    }
    expect((await call('POST', '/v1/events', { ...chef, body: [] })).status).toBe(403);
  });
});

describe('GET /v1/creators/{id}/posting-times', () => {
  it("suggests windows covering the hours the creator's fans are active, in the creator's time zone", async () => {
    const { call } = await setup();
    const body = await json(await call('GET', '/v1/creators/chef/posting-times', read));
    expect(body.fans).toBe(12);
    expect(body.windows).toHaveLength(3);
    for (const window of body.windows) {
      const hours = Array.from({ length: window.hours }, (_, h) => (window.start + h) % 24);
      expect(hours.some((hour) => FAN_HOURS.includes(hour))).toBe(true);
    }
    const covered = body.windows.reduce(
      (sum: number, window: { activityShare: number }) => sum + window.activityShare,
      0,
    );
    expect(covered).toBeGreaterThan(0.3);

    const local = await json(
      await call('GET', '/v1/creators/chef/posting-times?utcOffset=8&windows=2&windowHours=3', read),
    );
    expect(local).toMatchObject({ utcOffsetHours: 8, fans: 12 });
    expect(local.windows).toHaveLength(2);
    for (const window of local.windows) {
      expect(window.hours).toBe(3);
      const hours = Array.from({ length: 3 }, (_, h) => (window.start + h) % 24);
      // 20:00-21:59 UTC is 04:00-05:59 at UTC+8.
      expect(hours.some((hour) => hour === 4 || hour === 5)).toBe(true);
    }
  });

  it('400s an offset out of range and 404s an unknown creator', async () => {
    const { call } = await setup();
    const bad = await call('GET', '/v1/creators/chef/posting-times?utcOffset=15', read);
    expect(bad.status).toBe(400);
    expect((await json(bad)).error).toMatchObject({ field: 'utcOffset' });
    expect((await call('GET', '/v1/creators/ghost/posting-times', read)).status).toBe(404);
  });

  it('reuses a snapshot for its TTL, then answers from it while the new log is read', async () => {
    clock = NOW;
    const store = await openSqliteStore({ path: ':memory:' });
    await seedCreatorFixture(store);
    const insights = new InsightsService(store, { now: () => clock, ttlMs: 60_000 });
    current = await testApp({ store, insights });
    const { call } = current;
    const fans = async () => (await json(await call('GET', '/v1/creators/chef/posting-times', read))).fans;
    expect(await fans()).toBe(12);
    await store.upsertEvents(
      ['newfan-a', 'newfan-b'].flatMap((userId) =>
        chefItems.slice(0, 2).map((itemId, index) => ({
          id: `${userId}-${index}`,
          userId,
          itemId,
          time: NOW - 3_600_000 + index,
        })),
      ),
      { createMissing: true },
    );
    expect(await fans()).toBe(12);
    clock = NOW + 61_000;
    // Stale: answered from the old snapshot while the new one is read.
    expect(await fans()).toBe(12);
    await insights.settled();
    expect(await fans()).toBe(14);
  });
});

describe('POST /v1/creators/{id}/titles', () => {
  it('suggests real high-engagement captions of similar content, with the read scope', async () => {
    const { call } = await setup();
    const response = await call('POST', '/v1/creators/chef/titles', {
      key: testKeys.read,
      body: { caption: '空气炸锅做鸡翅', hashtags: ['#空气炸锅'], n: 2 },
    });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.creatorId).toBe('chef');
    expect(body.titles).toHaveLength(2);
    for (const title of body.titles) {
      expect(title.source).toBe('mined');
      expect(fryerItems).toContain(title.itemId);
      expect(title.title).toContain('空气炸锅');
    }
  });

  it('names the bad field, refuses a key without read, and 422s a log with nothing to learn from', async () => {
    const { call } = await setup();
    const missing = await call('POST', '/v1/creators/chef/titles', { key: testKeys.read, body: { n: 2 } });
    expect(missing.status).toBe(400);
    expect((await json(missing)).error).toMatchObject({ code: 'invalid_input', field: 'caption' });
    const badN = await call('POST', '/v1/creators/chef/titles', {
      key: testKeys.read,
      body: { caption: 'x', n: 100 },
    });
    expect((await json(badN)).error).toMatchObject({ field: 'n' });
    const extra = await call('POST', '/v1/creators/chef/titles', {
      key: testKeys.read,
      body: { caption: 'x', title: 'y' },
    });
    expect((await json(extra)).error.message).toContain('"title"');
    const writer = await call('POST', '/v1/creators/chef/titles', {
      key: testKeys.write,
      body: { caption: 'x' },
    });
    expect(writer.status).toBe(403);
    expect(
      (await call('POST', '/v1/creators/nobody/titles', { key: testKeys.read, body: { caption: 'x' } }))
        .status,
    ).toBe(404);

    await current?.store.close();
    const { call: empty, store } = await setup({ seed: false });
    await store.upsertItems([{ id: 'solo', author: 'newbie', caption: '第一个视频' }]);
    const thin = await empty('POST', '/v1/creators/newbie/titles', {
      key: testKeys.read,
      body: { caption: '你好' },
    });
    expect(thin.status).toBe(422);
    expect((await json(thin)).error.code).toBe('insufficient_data');
  });
});

describe('/v1/items/{id}/tags', () => {
  it("tags a stored item: cleaned topics without the promotional hashtag, language, the store's categories", async () => {
    const { call } = await setup();
    const response = await call('GET', '/v1/items/chef-1/tags', read);
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body).toMatchObject({ itemId: 'chef-1', tagger: 'embedded', language: 'zh' });
    expect(body.topics).toEqual(['美食', '家常菜']);
    expect(body.categories).toEqual(['美食', '家常菜']);
    expect(body.categorySource).toBe('store');
    expect(body.tags.elements).toContain('红烧肉');
    expect(body.vectorDim).toBeGreaterThan(0);
    const missing = await call('GET', '/v1/items/ghost/tags', read);
    expect(missing.status).toBe(404);
    expect((await json(missing)).error).toMatchObject({ code: 'not_found', field: 'id' });
  });

  it('POST stores the tags on the item (write scope) and GET /v1/items/{id} shows them', async () => {
    const { call, store } = await setup();
    expect((await call('POST', '/v1/items/chef-1/tags', read)).status).toBe(403);
    const response = await call('POST', '/v1/items/chef-1/tags', { key: testKeys.write });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.item.tags).toContain('红烧肉');
    const stored = await store.getItem('chef-1');
    expect(stored?.tags).toEqual(body.item.tags);
    // Everything else of the record is kept.
    expect(stored).toMatchObject({
      author: 'chef',
      categories: ['美食', '家常菜'],
      hashtags: ['#美食', '#家常菜', '#上热门'],
    });
    expect((await call('POST', '/v1/items/ghost/tags', { key: testKeys.write })).status).toBe(404);
  });
});

describe('OpenAPI', () => {
  it('documents the new routes with their schemas', async () => {
    const { call } = await setup({ seed: false });
    const doc = await json(await call('GET', '/openapi.json', { key: null }));
    expect(doc.paths['/v1/items/{id}/tags']).toHaveProperty('get');
    expect(doc.paths['/v1/items/{id}/tags']).toHaveProperty('post');
    expect(doc.paths['/v1/creators/{id}/trends'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['id', 'bin', 'n']),
    );
    expect(doc.paths['/v1/creators/{id}/posting-times']).toHaveProperty('get');
    expect(doc.paths['/v1/creators/{id}/titles'].post.requestBody.content['application/json'].schema).toEqual(
      {
        $ref: '#/components/schemas/TitlesRequest',
      },
    );
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['ItemTags', 'CreatorTrends', 'PostingTimes', 'TitleSuggestions']),
    );
  });
});
