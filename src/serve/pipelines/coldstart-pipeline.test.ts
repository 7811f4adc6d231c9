import { describe, expect, it } from 'vitest';
import { describePipelineContract } from '../../feed/test-support/pipeline-contract.js';
import type { ItemRecord } from '../../storage/index.js';
import { ColdStartPipeline, interestsOf } from './coldstart-pipeline.js';
import { catalogueRecords } from './test-support/tiny-world.js';

const record = (id: string, fields: Partial<ItemRecord> = {}): ItemRecord => ({
  id,
  hashtags: [],
  categories: [],
  tags: [],
  aiGenerated: false,
  hidden: false,
  updatedAt: 0,
  ...fields,
});

const catalogue = [
  record('a', { tags: ['Cooking'], author: 'x' }),
  record('b', { hashtags: ['#travel'], author: 'x' }),
  record('c', { categories: ['Food', 'Noodles'], author: 'y' }),
  record('d', { tags: ['cooking'], hidden: true }),
  record('e', { tags: ['music'], author: 'y' }),
];
const request = (n: number, exclude: string[] = []) => ({
  userId: 'u',
  n,
  history: [],
  exclude: new Set(exclude),
  now: 0,
});

describe('ColdStartPipeline', () => {
  it('fills the feed from the catalogue when the store has no events and no upload times', () => {
    const pipeline = new ColdStartPipeline({ popular: [], fresh: [], catalogue });
    const feed = pipeline.recommend(request(10, ['a']));
    expect(feed.items.map((item) => [item.itemId, item.source])).toEqual([
      ['b', 'catalogue'],
      ['c', 'catalogue'],
      ['e', 'catalogue'],
    ]);
    expect(Object.keys(feed.stages)).toEqual(['candidates', 'mix']);
  });

  it('gives declared interests every other slot, matching tags, hashtags and categories case-insensitively', () => {
    const pipeline = new ColdStartPipeline({
      popular: [
        { itemId: 'e', events: 9, playTimeMs: 0 },
        { itemId: 'd', events: 8, playTimeMs: 0 },
        { itemId: 'c', events: 1, playTimeMs: 0 },
      ],
      fresh: [catalogue[1]!],
      catalogue,
    });
    const feed = pipeline.recommendWith(request(4), interestsOf({ interests: 'cooking | #Travel; noodles' }));
    expect(feed.items.map((item) => [item.itemId, item.source])).toEqual([
      ['c', 'interest'], // the most popular match first
      ['e', 'popular'],
      ['a', 'interest'],
      ['b', 'fresh'],
    ]);
    expect(feed.items.map((item) => item.itemId)).not.toContain('d'); // hidden
  });

  it('reads interests from user features and finds content neighbours', () => {
    expect(interestsOf({ interests: ' a, b ,,c' })).toEqual(['a', 'b', 'c']);
    expect(interestsOf({ interest: 'solo' })).toEqual(['solo']);
    expect(interestsOf({ interests: 3 })).toEqual([]);
    expect(interestsOf(undefined)).toEqual([]);
    const pipeline = new ColdStartPipeline({ popular: [], fresh: [], catalogue });
    expect(pipeline.similar('a', 2)!.map((s) => s.itemId)).toEqual(['b']); // same author
    expect(pipeline.similar('d', 2)).toBeUndefined(); // hidden: not in the visible catalogue
  });
});

describePipelineContract('coldstart', async () => {
  const records = catalogueRecords();
  const pipeline = new ColdStartPipeline({
    popular: records.slice(0, 6).map((item, rank) => ({ itemId: item.id, events: 10 - rank, playTimeMs: 0 })),
    fresh: [...records].reverse().slice(0, 4),
    catalogue: records,
  });
  return { pipeline, itemIds: records.map((item) => item.id), history: ['video-0', 'video-7', 'video-23'] };
});
