import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type Store } from '../storage/index.js';
import type { Tagger, TagResult } from '../understand/index.js';
import { InsightsService } from './insights-service.js';
import { readStoreWindow } from './store-window.js';
import { fixtureEvents, NOW, seedCreatorFixture } from './test-support/creator-fixture.js';
import { TtlCache } from './ttl-cache.js';

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function seeded(): Promise<Store> {
  store = await openSqliteStore({ path: ':memory:' });
  await seedCreatorFixture(store);
  return store;
}

describe('readStoreWindow', () => {
  it('reads the whole window when it fits, and only its latest part when it is too dense', async () => {
    const db = await seeded();
    const total = fixtureEvents().length;
    const full = await readStoreWindow(db, NOW, {
      windowMs: 28 * 86_400_000,
      maxEvents: 10_000,
      maxItems: 100,
    });
    expect(full.events).toHaveLength(total);
    expect(full.shortened).toBe(false);
    expect(full.items.map((item) => item.author)).toContain('chef');

    const dense = await readStoreWindow(db, NOW, {
      windowMs: 28 * 86_400_000,
      maxEvents: 200,
      maxItems: 100,
    });
    expect(dense.shortened).toBe(true);
    expect(dense.events.length).toBeGreaterThan(0);
    expect(dense.events.length).toBeLessThanOrEqual(200);
    // The latest events are the ones kept, and nothing in the shortened window is missing.
    const inWindow = fixtureEvents().filter((event) => event.time >= dense.since);
    expect(dense.events.map((event) => event.id).sort()).toEqual(inWindow.map((event) => event.id).sort());
    expect(dense.since).toBeGreaterThan(NOW - 28 * 86_400_000);
  });

  it('keeps at most maxItems items, the most watched first, and never hidden ones', async () => {
    const db = await seeded();
    await db.setItemsHidden(['fryer-1'], true);
    const window = await readStoreWindow(db, NOW, {
      windowMs: 28 * 86_400_000,
      maxEvents: 10_000,
      maxItems: 3,
    });
    expect(window.items).toHaveLength(3);
    const ids = window.items.map((item) => item.id);
    expect(ids).not.toContain('fryer-1');
    // The two other air-fryer videos have the most events (the last day's surge).
    expect(ids).toEqual(expect.arrayContaining(['fryer-2', 'fryer-3']));
  });
});

describe('InsightsService', () => {
  it('tags an item once per version: cached until the item is written again', async () => {
    const db = await seeded();
    let calls = 0;
    const tagger: Tagger = {
      name: 'counting',
      tag: async (input) => {
        calls++;
        return {
          categories: ['美食', '家常菜', '红烧肉'],
          tags: { elements: [input.caption?.slice(0, 4) ?? ''], actions: [], emotions: ['joy'] },
          language: 'zh',
          topics: [],
          aiGenerated: true,
          vector: new Float32Array(8),
          keywords: [],
          sentiment: 0.5,
          notes: [],
        } satisfies TagResult;
      },
    };
    const insights = new InsightsService(db, { tagger, now: () => NOW });
    const first = await insights.itemTags('chef-1');
    expect(first).toMatchObject({
      categorySource: 'tagger',
      categories: ['美食', '家常菜', '红烧肉'],
      vectorDim: 8,
    });
    await insights.itemTags('chef-1');
    expect(calls).toBe(1);
    const stored = await insights.storeItemTags('chef-1');
    expect(stored?.item).toMatchObject({
      tags: ['今天在家', 'joy'],
      categories: ['美食', '家常菜', '红烧肉'],
      aiGenerated: true,
      author: 'chef',
    });
    expect(await insights.itemTags('missing')).toBeUndefined();
  });

  it('refuses window bounds that are not positive whole numbers', async () => {
    const db = await seeded();
    expect(() => new InsightsService(db, { maxEvents: 0 })).toThrow(/maxEvents 0/);
  });
});

describe('TtlCache', () => {
  it('expires entries after the TTL and evicts the oldest when full', () => {
    let now = 0;
    const cache = new TtlCache<number>(100, 2, () => now);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBe(2);
    now = 100;
    expect(cache.get('c')).toBeUndefined();
    expect(cache.getOrSet('c', () => 4)).toBe(4);
    expect(cache.getOrSet('c', () => 5)).toBe(4);
  });

  it('drops a rejected promise so the next call computes again', async () => {
    const cache = new TtlCache<Promise<number>>(1000, 4);
    await expect(cache.getOrSet('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await Promise.resolve();
    expect(await cache.getOrSet('k', () => Promise.resolve(7))).toBe(7);
  });
});
