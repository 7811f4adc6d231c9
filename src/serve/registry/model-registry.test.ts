import { appendFile, cp, mkdir, readdir, readFile, truncate, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../../core/index.js';
import type { Store } from '../../storage/index.js';
import { damageModelChunk } from '../../storage/test-support/model-chunk-damage.js';
import { FeedService } from '../feed-service.js';
import { readCatalogue } from '../pipelines/coldstart-pipeline.js';
import { GENERATIVE_REWARD_FILE, saveGenerativeReward } from '../pipelines/generative-loader.js';
import type { GenerativePipeline } from '../pipelines/generative-pipeline.js';
import { modelDirectoryLoader } from '../pipelines/model-pipeline.js';
import {
  itemIds,
  tinyStore,
  writeGenerativeModel,
  writeSasRecModel,
} from '../pipelines/test-support/tiny-world.js';
import { tinyReward } from '../test-support/tiny-reward.js';
import { directoryChecksum } from './directory-checksum.js';
import { ModelRegistry } from './model-registry.js';

let store: Store;
let folder: string;
let dispose: () => Promise<void>;
let first = '';
let second = '';
let sasrec = '';
beforeAll(async () => {
  ({ store, folder, dispose } = await tinyStore());
  first = await writeGenerativeModel(join(folder, 'trained-1'), { seed: 3 });
  second = await writeGenerativeModel(join(folder, 'trained-2'), { seed: 4 });
  sasrec = await writeSasRecModel(join(folder, 'trained-sasrec'));
}, 90_000);
afterAll(() => dispose());

const errors: string[] = [];
const logger: Logger = { info() {}, warn() {}, debug() {}, error: (message) => void errors.push(message) };

function registry(root = join(folder, 'registry')): ModelRegistry {
  return new ModelRegistry({ store, root, catalogue: () => readCatalogue(store), logger });
}

async function corruptCopy(from: string, name: string): Promise<string> {
  const dir = join(folder, name);
  await cp(from, dir, { recursive: true });
  const weights = join(dir, 'model.safetensors');
  const bytes = await readFile(weights);
  bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0xff;
  await writeFile(weights, bytes);
  return dir;
}

describe('ModelRegistry', () => {
  it('publishes versioned, checksummed directories and hot-swaps under concurrent requests without losing one', async () => {
    const models = registry();
    expect(models.statuses()).toEqual([
      { name: 'generative', ready: false },
      { name: 'cascade', ready: false },
    ]);
    const v1 = await models.publish('generative', first, { metrics: { recall10: 0.3 } });
    expect(v1).toMatchObject({ name: 'generative', version: 1, active: true, metrics: { recall10: 0.3 } });
    expect(v1.path).toBe(join(folder, 'registry', 'generative', 'v1'));
    expect(v1.checksum).toBe(await directoryChecksum(first));
    expect((await readdir(join(folder, 'registry', 'generative'))).sort()).toEqual(['v1']);
    expect(models.current('generative')?.modelVersion).toBe('generative@1');

    // No-repeat window 0: users keep asking, so the catalogue of 24 never runs out.
    const feeds = new FeedService({ store, pipelines: models, logger, noRepeatWindowMs: 0 });
    const users = Array.from({ length: 3 }, (_, i) => `swap-user-${i}`);
    await store.upsertEvents(
      users.map((user, i) => ({ id: `${user}-e`, userId: user, itemId: `video-${i % 24}`, time: 1000 })),
      { createMissing: true },
    );
    // Requests keep arriving while v2 is published; each one takes whichever pipeline is current when it runs.
    const requests: Array<Promise<{ pipeline: string; items: unknown[] }>> = [];
    let publishing = true;
    const publish = models.publish('generative', second).finally(() => {
      publishing = false;
    });
    const versionsSeen = new Set<string | undefined>();
    for (let after = 0; after < 2; after += publishing ? 0 : 1) {
      versionsSeen.add(models.current('generative')?.modelVersion);
      for (const user of users) requests.push(feeds.feed(user, 3));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const v2 = await publish;
    const served = await Promise.allSettled(requests);
    expect(served.filter((result) => result.status === 'rejected')).toEqual([]);
    for (const result of served) {
      const feed = (result as PromiseFulfilledResult<{ pipeline: string; items: unknown[] }>).value;
      expect(feed.pipeline).toBe('generative');
      expect(feed.items).toHaveLength(3);
    }
    expect(versionsSeen).toEqual(new Set(['generative@1', 'generative@2'])); // requests ran before and after the swap
    expect(feeds.counters()).toMatchObject({ failures: {}, unavailable: {} });
    expect(v2).toMatchObject({ version: 2, active: true });
    expect(models.current('generative')?.modelVersion).toBe('generative@2');
    expect((await store.listModelVersions('generative')).map((v) => [v.version, v.active])).toEqual([
      [2, true],
      [1, false],
    ]);
  });

  it('rejects a corrupt or incompatible model with a clear error while the previous one keeps serving', async () => {
    const models = registry();
    await models.sync();
    const serving = models.current('generative');
    expect(serving?.modelVersion).toBe('generative@2');

    const corrupt = await corruptCopy(first, 'corrupt');
    await expect(models.publish('generative', corrupt)).rejects.toThrow(
      /Rejected generative model \(version 3\): Cannot load model directory .*: model\.safetensors has sha256 [0-9a-f]+, the manifest says [0-9a-f]+ \(corrupted or modified\)/,
    );
    await expect(models.publish('generative', sasrec)).rejects.toThrow(
      /as generative: it holds a "sasrec" model/,
    );
    await expect(models.publish('generative', join(folder, 'missing'))).rejects.toThrow(/is not a directory/);
    await mkdir(join(folder, 'empty'));
    await expect(models.publish('generative', join(folder, 'empty'))).rejects.toThrow(/empty holds no files/);
    await expect(models.publish('ranker', first)).rejects.toThrow(
      'Unknown model name "ranker" (the registry loads: generative, cascade)',
    );
    expect(models.current('generative')).toBe(serving);
    expect((await store.listModelVersions('generative')).map((v) => v.version)).toEqual([2, 1]);
    expect((await readdir(join(folder, 'registry', 'generative'))).sort()).toEqual(['v1', 'v2']);
    const feeds = new FeedService({ store, pipelines: models, logger });
    await store.upsertEvents([{ id: 'after-reject', userId: 'after-reject', itemId: 'video-1', time: 5 }], {
      createMissing: true,
    });
    expect((await feeds.feed('after-reject', 4)).pipeline).toBe('generative');
  });

  it('servers converge on the active version from the store; a damaged version is refused and the old one kept', async () => {
    const a = registry();
    // Another server: a cache folder of its own, filled from the store.
    const b = registry(join(folder, 'registry-b'));
    await a.sync();
    await b.sync();
    expect(b.currentVersion('generative')?.version).toBe(2);
    expect(await directoryChecksum(join(folder, 'registry-b', 'generative', 'v2'))).toBe(
      await directoryChecksum(second),
    );
    // Roll back on A: B follows on its next sync.
    await a.activate('generative', 1);
    expect(a.current('generative')?.modelVersion).toBe('generative@1');
    await b.sync();
    expect(b.current('generative')?.modelVersion).toBe('generative@1');

    // Someone edits A's cached copy of v2: the store's copy replaces it.
    const v2 = (await store.getModelVersion('generative', 2))!;
    await appendFile(join(v2.path, 'items.json'), ' ');
    await a.activate('generative', 2);
    expect(await directoryChecksum(v2.path)).toBe(v2.checksum);
    await a.activate('generative', 1);

    // v2's bytes in the store are damaged: a server without a good cached copy refuses it.
    await damageModelChunk(
      { sqlite: join(folder, 'store.sqlite') },
      { name: 'generative', version: 2, path: 'model.safetensors', chunk: 0 },
      'flip',
    );
    const c = registry(join(folder, 'registry-c'));
    await c.sync();
    await expect(c.activate('generative', 2)).rejects.toThrow(
      /^Model generative@2: model\.safetensors has sha256 [0-9a-f]+ in the store, [0-9a-f]+ when it was written \(corrupted in the store\)$/,
    );
    expect(c.current('generative')?.modelVersion).toBe('generative@1');
    expect((await store.activeModelVersion('generative'))?.version).toBe(1);
    expect(await readdir(join(folder, 'registry-c', 'generative'))).toEqual(['v1']);
    // If the store's active version is the broken one, sync logs and keeps serving (and does not retry every poll).
    await store.activateModelVersion('generative', 2);
    errors.length = 0;
    await c.sync();
    await c.sync();
    expect(c.current('generative')?.modelVersion).toBe('generative@1');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(
      'registry: cannot load generative@2; still serving generative@1: Model generative@2: model.safetensors has sha256',
    );
    await store.activateModelVersion('generative', 1);
  });

  it('serves the reward model of a generative directory as its rerank stage, and refuses a truncated one naming the file', async () => {
    const models = registry(join(folder, 'registry-reward'));
    const withReward = join(folder, 'with-reward');
    await cp(first, withReward, { recursive: true });
    await saveGenerativeReward(withReward, tinyReward(itemIds.length));
    const published = await models.publish('generative', withReward);
    const request = {
      userId: 'x',
      n: 3,
      history: ['video-0', 'video-1'],
      exclude: new Set<string>(),
      now: 0,
    };
    const served = models.current('generative')!.recommend(request);
    expect(Object.keys(served.stages)).toContain('rerank');
    for (const item of served.items) expect(item.scores?.reward).toBe(item.score);

    const truncated = join(folder, 'truncated-reward');
    await cp(withReward, truncated, { recursive: true });
    const file = join(truncated, GENERATIVE_REWARD_FILE);
    await truncate(file, Math.floor((await readFile(file)).length / 2));
    await expect(models.publish('generative', truncated)).rejects.toThrow(
      /Rejected generative model \(version \d+\): .*truncated-reward\/reward\.safetensors/,
    );
    expect(models.current('generative')?.modelVersion).toBe(`generative@${published.version}`);
    expect((await store.activeModelVersion('generative'))?.version).toBe(published.version);
  }, 60_000);

  it('removes the hidden folders a killed process left in the cache, and only those', async () => {
    const root = join(folder, 'registry-leftovers');
    const generative = join(root, 'generative');
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    for (const name of ['.incoming-killed', '.stale-killed', '.incoming-in-progress', 'notes']) {
      await mkdir(join(generative, name), { recursive: true });
      if (name.endsWith('killed') || name === 'notes') await utimes(join(generative, name), old, old);
    }
    const published = await registry(root).publish('generative', first);
    expect((await readdir(generative)).sort()).toEqual([
      '.incoming-in-progress',
      'notes',
      `v${published.version}`,
    ]);
  });

  it('loads SASRec directories through a custom loader table', async () => {
    const models = new ModelRegistry({
      store,
      root: join(folder, 'registry-sasrec'),
      loaders: { sasrec: modelDirectoryLoader('sasrec') },
      catalogue: () => readCatalogue(store),
    });
    const version = await models.publish('sasrec', sasrec);
    expect(version.version).toBe(1);
    expect(models.statuses()).toEqual([{ name: 'sasrec', ready: true, modelVersion: 'sasrec@1' }]);
    const feed = models.current('sasrec')!.recommend({
      userId: 'x',
      n: 3,
      history: ['video-0'],
      exclude: new Set(),
      now: 0,
    });
    expect(feed.items).toHaveLength(3);
  });

  it('hands a swapped-in version the items added after its catalogue was read', async () => {
    const stale = await readCatalogue(store);
    const models = new ModelRegistry({
      store,
      root: join(folder, 'registry-stale'),
      catalogue: async () => stale,
    });
    const feeds = new FeedService({ store, pipelines: models, logger });
    await store.upsertItems([
      {
        id: 'late-arrival',
        author: 'author-1',
        tags: ['topic-2'],
        categories: ['category-2'],
        uploadTime: 9,
      },
    ]);
    await feeds.refresh();
    await models.publish('generative', first);
    const pipeline = models.current('generative') as GenerativePipeline;
    expect(pipeline.knows('late-arrival')).toBe(true);
    await vi.waitFor(async () =>
      expect((await store.getItem('late-arrival'))?.semanticId).toEqual(
        pipeline.semanticIdOf('late-arrival'),
      ),
    );
  });
});
