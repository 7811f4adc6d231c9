import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fryerItems, NOW, seedCreatorFixture } from '../../insights/test-support/creator-fixture.js';
import { openSqliteStore } from '../../storage/index.js';
import { PopularFeedSource } from '../http/popular-feed-source.js';
import { type RunningServer, startServer } from '../server.js';
import { apiKeys, testKeys } from '../test-support/test-app.js';
import { GenfeedApiError } from './api-error.js';
import { GenfeedClient } from './client.js';

let server: RunningServer;
beforeAll(async () => {
  const store = await openSqliteStore({ path: ':memory:' });
  await seedCreatorFixture(store);
  server = await startServer({
    store,
    feeds: new PopularFeedSource(store),
    keys: apiKeys,
    port: 0,
    insights: { now: () => NOW },
  });
});
afterAll(async () => {
  await server.close();
});

describe('GenfeedClient: tags and the creator assistant', () => {
  it('round-trips the tag, trend, posting-time and title routes', async () => {
    const reader = new GenfeedClient({ baseUrl: server.url, apiKey: testKeys.read });
    const tags = await reader.itemTags('chef-2');
    expect(tags.itemId).toBe('chef-2');
    expect(tags.topics).not.toContain('上热门');
    expect(tags.language).toBe('zh');

    const writer = new GenfeedClient({ baseUrl: server.url, apiKey: testKeys.write });
    const stored = await writer.storeItemTags('chef-2');
    expect(stored.item.tags).toEqual([
      ...new Set([...tags.tags.elements, ...tags.tags.actions, ...tags.tags.emotions]),
    ]);

    const trends = await reader.creatorTrends('chef', { bin: 'day', n: 1 });
    expect(trends.trends.map((trend) => trend.topic)).toEqual(['#空气炸锅']);
    const hourly = await reader.creatorTrends('fryer', { bin: 'hour' });
    expect(hourly.bin).toBe('hour');

    const posting = await reader.postingTimes('chef', { utcOffset: -5, windows: 1 });
    expect(posting).toMatchObject({ creatorId: 'chef', utcOffsetHours: -5, fans: 12 });
    // 20:00-21:59 UTC is 15:00-16:59 at UTC-5.
    const { start, hours } = posting.windows[0]!;
    const covered = Array.from({ length: hours }, (_, h) => (start + h) % 24);
    expect(covered.some((hour) => hour === 15 || hour === 16)).toBe(true);

    const titles = await reader.titles('chef', { caption: '空气炸锅薯条', n: 1 });
    expect(titles.titles).toHaveLength(1);
    expect(fryerItems).toContain(titles.titles[0]!.itemId);
  });

  it('throws typed errors naming the field', async () => {
    const reader = new GenfeedClient({ baseUrl: server.url, apiKey: testKeys.read });
    const missing = await reader.creatorTrends('nobody').catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(GenfeedApiError);
    expect(missing).toMatchObject({ status: 404, code: 'not_found', field: 'id' });
    await expect(reader.postingTimes('chef', { windows: 99 })).rejects.toMatchObject({
      status: 400,
      field: 'windows',
    });
    await expect(reader.titles('chef', { caption: '' })).rejects.toMatchObject({
      status: 400,
      field: 'caption',
    });
    await expect(reader.storeItemTags('chef-1')).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    await expect(reader.itemTags('ghost')).rejects.toMatchObject({ status: 404, field: 'id' });
  });
});
