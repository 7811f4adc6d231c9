import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDataset } from './load-dataset.js';
import { readAmazonItemAttributes } from './read-amazon-item-attributes.js';
import { readKuaiRandUsers, readKuaiRecUsers } from './read-kuai-user-features.js';
import { readKuaiRandVideos } from './read-kuairand-videos.js';
import { readKuaiRecCaptions } from './read-kuairec-captions.js';
import { readKuaiRecItemCategories } from './read-kuairec-item-categories.js';
import { readLabeledPairs } from './read-labeled-pairs.js';
import { readMovieLensMovies } from './read-movielens-movies.js';
import { readMovieLensRatings } from './read-movielens-ratings.js';
import { readMovieLensTags } from './read-movielens-tags.js';
import { readSequences } from './read-sequences.js';
import { collect } from './test-support/collect.js';

/** The shared public data sets (see ../shared/data/README.md); GENFEED_DATA points elsewhere. */
const DATA = process.env.GENFEED_DATA ?? fileURLToPath(new URL('../../../shared/data', import.meta.url));
const absent = !existsSync(DATA);
const data = (...parts: string[]) => join(DATA, ...parts);

describe.skipIf(absent)(`real data in ${DATA}`, () => {
  it('reads Amazon Beauty: 22,363 users, 12,101 items, 198,502 interactions', async () => {
    const interactions = await collect(readSequences(data('amazon-beauty', 'Beauty.txt')));
    expect(interactions).toHaveLength(198_502);
    expect(new Set(interactions.map((interaction) => interaction.user)).size).toBe(22_363);
    expect(new Set(interactions.map((interaction) => interaction.item)).size).toBe(12_101);
  });

  it('reads the Beauty item attributes: every item, 637 distinct attribute ids', async () => {
    const items = await collect(
      readAmazonItemAttributes(data('amazon-beauty', 'Beauty_item2attributes.json')),
    );
    expect(items).toHaveLength(12_101);
    expect(new Set(items.flatMap((item) => item.tags ?? [])).size).toBe(637);
  });

  it('loads Amazon Beauty as a dataset with items', async () => {
    const dataset = await loadDataset(data('amazon-beauty'));
    expect(dataset).toMatchObject({ name: 'amazon-beauty', format: 'sequences' });
    expect(dataset.interactions.length).toBe(198_502);
    expect(dataset.interactions.users.size).toBe(22_363);
    expect(dataset.items.size).toBe(12_101);
  });

  it('reads the KuaiRec captions: 10,728 videos, 38 named first-level categories plus absent (39 ids)', async () => {
    const items = await collect(readKuaiRecCaptions(data('kuairec', 'kuairec_caption_category.csv')));
    expect(items).toHaveLength(10_728);
    expect(new Set(items.map((item) => item.id)).size).toBe(10_728);
    expect(new Set(items.map((item) => item.categories?.[0]).filter(Boolean)).size).toBe(38);
    // The file's first_level_category_id has 39 values: 38 categories and -124 (absent).
    expect(new Set(items.map((item) => item.categoryIds?.[0] ?? '-124')).size).toBe(39);
    // Four captions hold a bare carriage return; they must not split rows.
    expect(items.filter((item) => item.text?.includes('\r'))).toHaveLength(4);
  });

  it('reads KuaiRec item categories (10,728) and user features (7,176)', async () => {
    expect(await collect(readKuaiRecItemCategories(data('kuairec', 'item_categories.csv')))).toHaveLength(
      10_728,
    );
    const users = await collect(readKuaiRecUsers(data('kuairec', 'user_features.csv')));
    expect(users).toHaveLength(7_176);
    expect(users[0]?.features).toMatchObject({
      user_active_degree: 'high_active',
      follow_user_num_range: '(0,10]',
    });
  });

  it('reads the KuaiRec small-matrix splits: 177,789 / 25,398 / 50,796 lines, 1,411 users x 3,327 videos', async () => {
    const counts = [];
    for (const part of ['train', 'valid', 'test']) {
      counts.push((await collect(readLabeledPairs(data('kuairec', `small_matrix_${part}.txt`)))).length);
    }
    expect(counts).toEqual([177_789, 25_398, 50_796]);
    const dataset = await loadDataset(data('kuairec'));
    expect(dataset).toMatchObject({ format: 'kuairec', positiveThreshold: 1 });
    expect(dataset.interactions.users.size).toBe(1_411);
    expect(dataset.interactions.items.size).toBe(3_327);
    expect(dataset.part?.filter((part) => part === 2).length).toBe(50_796);
  });

  it('reads KuaiRand-Pure videos (7,583) and users (27,285)', async () => {
    const videos = await collect(readKuaiRandVideos(data('kuairand-pure', 'video_features_basic_pure.csv')));
    expect(videos).toHaveLength(7_583);
    expect(videos.filter((video) => video.durationMs === undefined)).toHaveLength(239);
    expect(await collect(readKuaiRandUsers(data('kuairand-pure', 'user_features_pure.csv')))).toHaveLength(
      27_285,
    );
  });

  it('reads MovieLens latest-small: 100,836 ratings by 610 users, 9,742 movies, 3,683 tags', async () => {
    const folder = 'movielens-latest-small';
    const ratings = await collect(readMovieLensRatings(data(folder, 'ratings.csv')));
    expect(ratings).toHaveLength(100_836);
    expect(new Set(ratings.map((rating) => rating.user)).size).toBe(610);
    expect(await collect(readMovieLensMovies(data(folder, 'movies.csv')))).toHaveLength(9_742);
    expect(await collect(readMovieLensTags(data(folder, 'tags.csv')))).toHaveLength(3_683);
    const dataset = await loadDataset(data(folder));
    expect(dataset).toMatchObject({ format: 'movielens', name: folder });
    expect(dataset.interactions.length).toBe(100_836);
    expect(dataset.items.size).toBe(9_742);
  });
});

describe.skipIf(!absent)('real data', () => {
  it.skip(`skipped: the shared data folder ${DATA} is absent (set GENFEED_DATA to point at it)`, () => {});
});
