import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InvalidInputError, type Logger, NotFoundError } from '../core/index.js';
import type { FeedPipeline, FeedRequest } from '../feed/index.js';
import { loadModelDirectory } from '../generative/index.js';
import type { Store } from '../storage/index.js';
import { TrafficSplit } from './experiments/traffic-split.js';
import { FeedService, fixedPipelines } from './feed-service.js';
import { readCatalogue } from './pipelines/coldstart-pipeline.js';
import { GenerativePipeline } from './pipelines/generative-pipeline.js';
import { itemIds, tinyStore, writeGenerativeModel } from './pipelines/test-support/tiny-world.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 1);

/** A stand-in cascade: the catalogue in a fixed order. */
const orderCascade: FeedPipeline = {
  name: 'cascade',
  recommend: (request: FeedRequest) => ({
    items: [...itemIds]
      .reverse()
      .filter((id) => !request.exclude.has(id))
      .slice(0, request.n)
      .map((itemId, i) => ({ itemId, score: -i })),
    stages: { recall: { latencyMs: 0.1, cpuMs: 0.1 } },
  }),
};

const failing: FeedPipeline = {
  name: 'generative',
  recommend: () => {
    throw new Error('weights on fire');
  },
};

let store: Store;
let folder: string;
let dispose: () => Promise<void>;
let generative: GenerativePipeline;
let clock = T0;
const errors: string[] = [];
const logger: Logger = { info() {}, warn() {}, debug() {}, error: (message) => void errors.push(message) };

beforeAll(async () => {
  ({ store, folder, dispose } = await tinyStore());
  const dir = await writeGenerativeModel(join(folder, 'model'));
  generative = GenerativePipeline.build(await loadModelDirectory(dir), await readCatalogue(store), {
    modelVersion: 'generative@1',
  }).pipeline;
  await rm(dir, { recursive: true });
}, 60_000);
afterAll(() => dispose());
beforeEach(() => {
  clock = T0;
  errors.length = 0;
});

let users = 0;
/** A new user with a few watched items (events), so model pipelines serve them. */
async function userWithHistory(items = ['video-0', 'video-1', 'video-2']): Promise<string> {
  const user = `user-${users++}`;
  await store.upsertEvents(
    items.map((itemId, i) => ({ id: `${user}-${i}`, userId: user, itemId, time: clock - DAY * 30 + i })),
    { createMissing: true },
  );
  return user;
}

const service = (options: Partial<ConstructorParameters<typeof FeedService>[0]> = {}) =>
  new FeedService({
    store,
    pipelines: fixedPipelines({ generative, cascade: orderCascade }),
    clock: () => clock,
    logger,
    experimentTtlMs: 0,
    ...options,
  });

describe('FeedService', () => {
  it('logs the feed (pipeline, experiment, cost, stages) before it resolves', async () => {
    await store.putExperiment({ name: 'logged', split: { generative: 1 } });
    let committed = false;
    // Within the no-repeat window the feed is logged by a claim (`claimFeed`).
    const slowClaim: Store['claimFeed'] = async (feed, options) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      const claim = await store.claimFeed(feed, options);
      committed = claim.recorded;
      return claim;
    };
    const slow = new Proxy(store, {
      get: (target, property) => {
        if (property === 'claimFeed') return slowClaim;
        const value = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const user = await userWithHistory();
    const feed = await service({ store: slow, experiment: 'logged' }).feed(user, 5);
    expect(committed).toBe(true);
    expect(feed).toMatchObject({ userId: user, pipeline: 'generative', experiment: 'logged' });
    expect(feed.items).toHaveLength(5);
    const stored = await store.getFeed(feed.requestId);
    expect(stored).toMatchObject({ userId: user, pipeline: 'generative', experiment: 'logged', time: clock });
    expect(stored!.items.map((item) => item.itemId)).toEqual(feed.items.map((item) => item.itemId));
    expect(stored!.cpuMs).toBeCloseTo(feed.cpuMs, 3);
    expect(Object.keys(stored!.stages!)).toEqual(['encode', 'beam', 'filter']);
    expect(feed.latencyMs).toBeGreaterThan(0);
  });

  it('never repeats an item within the window across consecutive feeds, and may after it', async () => {
    const user = await userWithHistory();
    const feeds = service({ noRepeatWindowMs: DAY });
    const seen = new Set<string>();
    // 24 items, 3 in the history (watched 30 days ago, outside the window): 6 feeds of 4 use them all.
    for (let round = 0; round < 6; round++) {
      clock += 1000;
      const feed = await feeds.feed(user, 4);
      expect(feed.items).toHaveLength(4);
      for (const { itemId } of feed.items) {
        expect(seen.has(itemId)).toBe(false);
        seen.add(itemId);
      }
    }
    expect(seen.size).toBe(24);
    clock += 1000;
    expect((await feeds.feed(user, 4)).items).toHaveLength(0); // everything was shown within the day
    clock += DAY;
    expect((await feeds.feed(user, 4)).items).toHaveLength(4); // the window has passed
  });

  it('serves users with no history the cold-start feed: popular, fresh, declared interests; never hidden items', async () => {
    await store.upsertUsers([{ id: 'cold-fan', features: { interests: 'topic-2' } }]);
    await store.upsertEvents(
      ['video-5', 'video-5', 'video-9'].map((itemId, i) => ({
        id: `pop-${i}`,
        userId: `pop-${i}`,
        itemId,
        time: clock - 1000,
      })),
      { createMissing: true },
    );
    await store.setItemsHidden(['video-23'], true);
    const feeds = service();
    await feeds.refresh();
    const plain = await feeds.feed('brand-new-user', 4);
    expect(plain.pipeline).toBe('coldstart');
    expect(plain.items.map((item) => [item.itemId, item.source])).toEqual([
      ['video-5', 'popular'],
      ['video-9', 'popular'],
      ['video-22', 'fresh'], // the newest visible upload
      ['video-21', 'fresh'], // popular ran dry: fresh fills
    ]);
    const fan = await feeds.feed('cold-fan', 3);
    expect(fan.items[0]).toMatchObject({ source: 'interest' });
    expect(fan.items.filter((item) => item.source === 'interest').map((item) => item.itemId)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^video-(12|13|14|15|16|17)$/)]),
    );
    for (let round = 0; round < 8; round++)
      for (const item of (await feeds.feed('brand-new-user', 3)).items)
        expect(item.itemId).not.toBe('video-23');
    await store.setItemsHidden(['video-23'], false);
  });

  it('splits users by the experiment, and a changed split takes effect on the next request', async () => {
    await store.putExperiment({ name: 'split', split: { generative: 50, cascade: 50 } });
    const feeds = service({ experiment: 'split' });
    const split = new TrafficSplit('split', { generative: 50, cascade: 50 });
    const population = await Promise.all(Array.from({ length: 12 }, () => userWithHistory()));
    for (const user of population) {
      const feed = await feeds.feed(user, 2);
      expect(feed.pipeline).toBe(split.bucketOf(user));
      expect(feed.experiment).toBe('split');
    }
    expect(new Set(population.map((user) => split.bucketOf(user))).size).toBe(2);
    await feeds.setSplit({ generative: 0, cascade: 1 });
    for (const user of population) expect((await feeds.feed(user, 1)).pipeline).toBe('cascade');
    // Another server (or the CLI) writes the store: read again after the TTL.
    await store.putExperiment({ name: 'split', split: { generative: 1, cascade: 0 } });
    for (const user of population) expect((await feeds.feed(user, 1)).pipeline).toBe('generative');
    await expect(service().setSplit({ generative: 1 })).rejects.toThrow(InvalidInputError);
    await expect(feeds.setSplit({ generative: -1 })).rejects.toThrow(
      'split.generative must be a finite weight',
    );
  });

  it('falls back to the cold-start feed when the pipeline throws or is not loaded (logged, counted)', async () => {
    const user = await userWithHistory();
    const broken = service({ pipelines: fixedPipelines({ generative: failing }) });
    const feed = await broken.feed(user, 3);
    expect(feed.pipeline).toBe('coldstart');
    expect(feed.items).toHaveLength(3);
    expect(feed.stages.failed).toBeDefined();
    expect(errors.join('\n')).toContain('pipeline generative failed, serving coldstart: weights on fire');
    const missing = service({ pipelines: fixedPipelines({}) });
    expect((await missing.feed(user, 3)).pipeline).toBe('coldstart');
    // A coldstart bucket (a holdout) is not a missing pipeline.
    await store.putExperiment({ name: 'holdout', split: { coldstart: 1 } });
    const holdout = service({ experiment: 'holdout' });
    expect(await holdout.feed(user, 2)).toMatchObject({ pipeline: 'coldstart', experiment: 'holdout' });
    expect(holdout.counters()).toMatchObject({ unavailable: {}, failures: {}, served: { coldstart: 1 } });
    expect(broken.counters().failures).toEqual({ generative: 1 });
    expect(missing.counters().unavailable).toEqual({ generative: 1 });
    expect((await store.getFeed(feed.requestId))?.pipeline).toBe('coldstart');
  });

  it('tops a short model feed up from the cold-start feed', async () => {
    const short: FeedPipeline = {
      name: 'generative',
      recommend: () => ({ items: [{ itemId: 'video-10', score: 1 }], stages: {} }),
    };
    const user = await userWithHistory();
    const feed = await service({ pipelines: fixedPipelines({ generative: short }) }).feed(user, 4);
    expect(feed.pipeline).toBe('generative');
    expect(feed.items[0]!.itemId).toBe('video-10');
    expect(feed.items).toHaveLength(4);
    expect(new Set(feed.items.map((item) => item.itemId)).size).toBe(4);
  });

  it('similar: from the model, NotFoundError for an unknown item; pipelines report their versions', async () => {
    const feeds = service();
    const similar = await feeds.similar('video-0', 3);
    expect(similar).toEqual(generative.similar('video-0', 3));
    await expect(feeds.similar('no-such-video', 3)).rejects.toThrow(NotFoundError);
    await expect(feeds.feed('u', 0)).rejects.toThrow('n must be an integer from 1 to 200, got 0');
    expect(feeds.pipelines()).toEqual([
      { name: 'generative', ready: true, modelVersion: 'generative@1' },
      { name: 'cascade', ready: true },
      { name: 'coldstart', ready: true },
    ]);
  });

  it('concurrent feeds for one user share no item; a claim refused by the store is topped up and claimed again', async () => {
    const user = await userWithHistory();
    const feeds = service({ noRepeatWindowMs: DAY });
    const together = await Promise.all(Array.from({ length: 5 }, () => feeds.feed(user, 4)));
    const items = together.flatMap((feed) => feed.items.map((item) => item.itemId));
    expect(items).toHaveLength(20);
    expect(new Set(items).size).toBe(20);
    expect(feeds.counters().reclaimed).toEqual({}); // one server: its requests never collide in the store

    // Another server shows this user two items between this server's read and its claim.
    const other = await userWithHistory();
    let raced = false;
    const racing = new Proxy(store, {
      get: (target, property) => {
        if (property === 'claimFeed')
          return async (
            feed: Parameters<Store['claimFeed']>[0],
            options: Parameters<Store['claimFeed']>[1],
          ) => {
            if (!raced) {
              raced = true;
              const taken = feed.items.slice(0, 2);
              await store.insertFeeds([{ ...feed, requestId: `${feed.requestId}-elsewhere`, items: taken }]);
            }
            return store.claimFeed(feed, options);
          };
        const value = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const service2 = service({ store: racing, noRepeatWindowMs: DAY });
    const feed = await service2.feed(other, 4);
    const elsewhere = (await store.userImpressions(other)).filter((shown) =>
      shown.requestId.endsWith('-elsewhere'),
    );
    expect(elsewhere).toHaveLength(2);
    expect(feed.items).toHaveLength(4);
    const served = feed.items.map((item) => item.itemId);
    for (const shown of elsewhere) expect(served).not.toContain(shown.itemId);
    expect((await store.getFeed(feed.requestId))?.items.map((item) => item.itemId)).toEqual(served);
    expect(service2.counters().reclaimed).toEqual({ generative: 1 });
    expect(Object.keys(feed.stages).some((stage) => stage.startsWith('reclaim-'))).toBe(true);
  });

  // Last: it grows the shared generative pipeline's catalogue.
  it('a new catalogue item gets a semantic ID on refresh, stored, and the model can generate it', async () => {
    await store.upsertItems([
      {
        id: 'fresh-topic-3',
        author: 'author-2',
        caption: 'new clip',
        tags: ['topic-3'],
        categories: ['category-3'],
        uploadTime: clock,
      },
    ]);
    expect(generative.knows('fresh-topic-3')).toBe(false);
    const feeds = service();
    await feeds.refresh();
    expect(generative.knows('fresh-topic-3')).toBe(true);
    const stored = await store.getItem('fresh-topic-3');
    expect(stored?.semanticId).toEqual(generative.semanticIdOf('fresh-topic-3'));
    // A user who was shown everything else gets it from the model itself.
    const user = await userWithHistory(['video-18', 'video-19']);
    await store.insertFeeds([
      {
        requestId: `${user}-all`,
        userId: user,
        pipeline: 'cascade',
        time: clock - 1,
        items: itemIds.map((itemId) => ({ itemId })),
      },
    ]);
    const feed = await feeds.feed(user, 2);
    expect(feed.pipeline).toBe('generative');
    expect(feed.items.map((item) => [item.itemId, item.source])).toEqual([['fresh-topic-3', 'beam-cold']]);
  });
});
