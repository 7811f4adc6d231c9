import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random, silentLogger, silentProgress } from '../../../core/index.js';
import {
  GenerativeRecommender,
  type ModelDirectoryInfo,
  SasRecRecommender,
  saveModelDirectory,
} from '../../../generative/index.js';
import type { ItemInput, ItemRecord, Store } from '../../../storage/index.js';
import { openSqliteStore } from '../../../storage/index.js';

/** 4 topics x 6 items; users keep to one topic, so collaborative codes follow topics. */
export const TOPICS = 4;
export const PER_TOPIC = 6;
export const itemIds = Array.from({ length: TOPICS * PER_TOPIC }, (_, item) => `video-${item}`);
export const topicOf = (item: number): number => Math.floor(item / PER_TOPIC);

/** The catalogue as stored: each item tagged with its topic, uploaded a day apart. */
export function catalogueInputs(start = Date.UTC(2026, 0, 1)): ItemInput[] {
  return itemIds.map((id, item) => ({
    id,
    author: `author-${item % 5}`,
    caption: `clip ${item}`,
    tags: [`topic-${topicOf(item)}`],
    categories: [`category-${topicOf(item)}`],
    uploadTime: start + item * 86_400_000,
  }));
}

/** Sequences of 7 items, each user within one topic. */
export function sequences(users = 64): Int32Array[] {
  return Array.from({ length: users }, (_, user) => {
    const topic = user % TOPICS;
    return Int32Array.from({ length: 7 }, (_, i) => topic * PER_TOPIC + ((user + i) % PER_TOPIC));
  });
}

const tiny = { dim: 16, layers: 1, heads: 1, epochs: 30, batchSize: 16, maxItems: 8, maxLength: 8, lr: 0.01 };

const info = (
  model: string,
  params: ModelDirectoryInfo['params'],
  ids: readonly string[],
): ModelDirectoryInfo => ({
  model,
  params,
  dataset: { name: 'tiny-topics', fingerprint: 'a'.repeat(64), users: 64, interactions: 64 * 7 },
  fitOn: 'all',
  itemIds: ids,
  seed: 3,
  trainSeconds: 0,
  genfeedVersion: '0.0.0-test',
});

/** Trains a tiny generative model (about a second) and writes its model directory. */
export async function writeGenerativeModel(dir: string, options: { seed?: number } = {}): Promise<string> {
  const data = sequences();
  const model = new GenerativeRecommender({ ...tiny, levels: 2, codebookSize: 4, vectorDim: 8 });
  await model.fit(
    { numUsers: data.length, numItems: itemIds.length, sequences: data },
    { random: new Random(options.seed ?? 3), logger: silentLogger, progress: silentProgress },
  );
  await saveModelDirectory(dir, model, info('generative', model.params, itemIds));
  return dir;
}

/** The same for SASRec. */
export async function writeSasRecModel(dir: string, options: { seed?: number } = {}): Promise<string> {
  const data = sequences();
  const model = new SasRecRecommender(tiny);
  await model.fit(
    { numUsers: data.length, numItems: itemIds.length, sequences: data },
    { random: new Random(options.seed ?? 3), logger: silentLogger, progress: silentProgress },
  );
  await saveModelDirectory(dir, model, info('sasrec', model.params, itemIds));
  return dir;
}

/** A temporary folder and a SQLite store in it holding the tiny catalogue. */
export async function tinyStore(options: { now?: () => number } = {}): Promise<{
  store: Store;
  folder: string;
  dispose: () => Promise<void>;
}> {
  const folder = await mkdtemp(join(tmpdir(), 'genfeed-serve-'));
  const store = await openSqliteStore({
    path: join(folder, 'store.sqlite'),
    synchronous: 'normal',
    ...(options.now && { now: options.now }),
  });
  await store.upsertItems(catalogueInputs());
  return {
    store,
    folder,
    dispose: async () => {
      await store.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

/** The tiny catalogue as the store returns it (every field a pipeline reads). */
export function catalogueRecords(): ItemRecord[] {
  return catalogueInputs().map((input) => ({
    id: input.id,
    author: input.author!,
    caption: input.caption!,
    hashtags: [],
    categories: [...input.categories!],
    tags: [...input.tags!],
    uploadTime: input.uploadTime!,
    aiGenerated: false,
    hidden: false,
    updatedAt: 0,
  }));
}
