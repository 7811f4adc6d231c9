import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Hono } from 'hono';
import type { Logger } from '../../src/core/index.js';
import { loadModelDirectory } from '../../src/generative/index.js';
import {
  createApp,
  FeedService,
  fixedPipelines,
  GenerativePipeline,
  ModelRegistry,
  readCatalogue,
  ServeMetrics,
} from '../../src/serve/index.js';
import {
  itemIds,
  tinyStore,
  writeGenerativeModel,
} from '../../src/serve/pipelines/test-support/tiny-world.js';
import { apiKeys } from '../../src/serve/test-support/test-app.js';
import type { Store } from '../../src/storage/index.js';
import { authorizeWithApiKeys, mountDashboard } from '../../src/web/index.js';

/** The server under fuzzing, as `genfeed serve` composes it, over a small catalogue with a little history. */
export interface FuzzWorld {
  app: Hono;
  store: Store;
  /** Ids the store holds by kind (items, users, authors, requests, pipelines): drawn often, so that writes succeed. */
  known: Record<
    'items' | 'users' | 'authors' | 'requests' | 'pipelines' | 'experiments' | 'models' | 'versions',
    string[]
  >;
  /** What the server logged as errors (a 500's stack), newest last. */
  errors: string[];
  close(): Promise<void>;
}

const DAY = 86_400_000;
const fuzzExperiments = ['fuzz-ab', 'fuzz-cd'];
/** A toy model published in this many versions, so activations, roll-backs and deletions have versions to act on. */
const TOY_VERSIONS = 6;
export const fuzzUsers = Array.from({ length: 6 }, (_, user) => `user-${user}`);

/**
 * The tiny world's SQLite store and generative model behind the feed service,
 * the API keys of `testKeys`, and the dashboard mounted on the app.
 */
export async function fuzzWorld(now: number): Promise<FuzzWorld> {
  const { store, folder, dispose } = await tinyStore();
  await store.upsertEvents(
    fuzzUsers.flatMap((userId, user) =>
      [0, 1, 2].map((step) => ({
        id: `${userId}-${step}`,
        userId,
        itemId: itemIds[(user * 3 + step) % itemIds.length]!,
        time: now - DAY + step * 60_000,
        signals: { click: 1 as const, playTimeMs: 5000 },
      })),
    ),
    { createMissing: true },
  );
  for (const name of fuzzExperiments)
    await store.putExperiment({ name, split: { generative: 1, popular: 1 } });
  const errors: string[] = [];
  const logger: Logger = { debug() {}, info() {}, warn() {}, error: (message) => void errors.push(message) };
  const model = await loadModelDirectory(await writeGenerativeModel(join(folder, 'model')));
  const { pipeline } = GenerativePipeline.build(model, await readCatalogue(store), {
    modelVersion: 'generative@1',
  });
  const feeds = new FeedService({ store, pipelines: fixedPipelines({ generative: pipeline }), logger });
  await feeds.start();
  const app = createApp({
    store,
    feeds,
    keys: apiKeys,
    logger,
    metrics: new ServeMetrics({ processMetrics: false }),
  });
  const registry = await toyRegistry(store, folder);
  mountDashboard(app, {
    store,
    logger,
    registry,
    authorize: authorizeWithApiKeys(apiKeys),
    pipelines: () => [pipeline],
    similar: (itemId, n) => feeds.similar(itemId, n),
  });
  const served = await feeds.feed(fuzzUsers[0]!, 3);
  return {
    app: app as unknown as Hono,
    store,
    known: {
      items: itemIds,
      users: fuzzUsers,
      authors: ['author-0', 'author-1', 'author-4', 'chef'],
      requests: [served.requestId],
      pipelines: ['generative', 'popular'],
      experiments: fuzzExperiments,
      models: ['toy'],
      versions: Array.from({ length: TOY_VERSIONS }, (_, version) => String(version + 1)),
    },
    errors,
    close: async () => {
      registry.close();
      feeds.close();
      await dispose();
    },
  };
}

/**
 * A registry on the world's store with a toy model in `TOY_VERSIONS` versions,
 * the last active: its loader builds an empty pipeline from any directory
 * whose `model.json` names it.
 */
async function toyRegistry(store: Store, folder: string): Promise<ModelRegistry> {
  const registry = new ModelRegistry({
    store,
    root: join(folder, 'registry'),
    loaders: {
      toy: async (_dir, context) => ({
        name: 'toy',
        modelVersion: context.modelVersion,
        recommend: () => ({ items: [], stages: {} }),
      }),
    },
    catalogue: async () => [],
  });
  for (let version = 1; version <= TOY_VERSIONS; version++) {
    const dir = join(folder, `toy-${version}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'model.json'), JSON.stringify({ model: 'toy', version }));
    await registry.publish('toy', dir, { activate: version === TOY_VERSIONS });
  }
  return registry;
}
