import { Random } from '../../core/index.js';
import { ImpressionLogBuilder, type RewardModel, trainReward } from '../../reward/index.js';
import { saveGenerativeReward } from '../pipelines/generative-loader.js';
import {
  catalogueInputs,
  catalogueRecords,
  itemIds,
  writeGenerativeModel,
} from '../pipelines/test-support/tiny-world.js';

export { catalogueInputs };

const catalogue = catalogueRecords();

/**
 * A reward model over the tiny catalogue whose logs say every third item is
 * watched to the end and liked and every other one swiped away.
 */
export function tinyReward(numItems: number): RewardModel {
  const random = new Random(3);
  const builder = new ImpressionLogBuilder(20, numItems);
  let request = 0;
  for (let user = 0; user < 20; user++)
    for (let page = 0; page < 12; page++, request++)
      for (let position = 0; position < 6; position++) {
        const item = random.int(numItems);
        const good = item % 3 === 0;
        builder.push({
          user,
          item,
          request,
          position,
          day: page % 3,
          hour: page,
          durationMs: 20_000,
          playTimeMs: good ? 20_000 : 1_000,
          signals: [good ? 1 : 0, good ? 1 : 0, good ? 1 : 0, 0, 0, 0, good ? 0 : 1, 0],
        });
      }
  const authors = new Map<string, number>();
  const author = Int32Array.from(catalogue.slice(0, numItems), (record) => {
    if (!authors.has(record.author!)) authors.set(record.author!, authors.size);
    return authors.get(record.author!)!;
  });
  const categories = new Map<string, number>();
  const category = Int32Array.from(catalogue.slice(0, numItems), (record) => {
    if (!categories.has(record.categories[0]!)) categories.set(record.categories[0]!, categories.size);
    return categories.get(record.categories[0]!)!;
  });
  const side = {
    numItems,
    numAuthors: authors.size,
    numCategories: categories.size,
    author,
    category,
    durationMs: new Float32Array(numItems).fill(20_000),
  };
  return trainReward(builder.build(), side, { epochs: 8, seed: 5 }).model;
}

/** The tiny world's generative model directory with a reward model beside it, as the demo writes them. */
export async function writeRewardedGenerativeModel(dir: string): Promise<string> {
  await writeGenerativeModel(dir);
  await saveGenerativeReward(dir, tinyReward(itemIds.length));
  return dir;
}
