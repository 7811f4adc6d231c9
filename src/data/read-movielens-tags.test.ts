import { describe, expect, it } from 'vitest';
import { foldTagsIntoItems } from './fold-tags.js';
import { readMovieLensTags } from './read-movielens-tags.js';
import { collect, fixture } from './test-support/collect.js';
import { describeMalformedCsv } from './test-support/malformed-csv.js';
import type { Item } from './types.js';

describe('readMovieLensTags', () => {
  it('reads user, movie, tag and time', async () => {
    const tags = await collect(readMovieLensTags(fixture('movielens', 'tags.csv')));
    expect(tags).toHaveLength(4);
    expect(tags[1]).toEqual({ user: '2', item: '10', tag: 'dark, moody', time: 1445714996 });
  });
});

describe('foldTagsIntoItems', () => {
  it('adds each distinct tag once, creating items that were missing', async () => {
    const items = new Map<string, Item>([['10', { id: '10', title: 'Toy Tale (1995)' }]]);
    await foldTagsIntoItems(items, readMovieLensTags(fixture('movielens', 'tags.csv')));
    expect(items.get('10')).toEqual({ id: '10', title: 'Toy Tale (1995)', tags: ['funny', 'dark, moody'] });
    expect(items.get('30')).toEqual({ id: '30', tags: ['slow'] });
  });
});

describeMalformedCsv({
  file: 'tags.csv',
  read: readMovieLensTags,
  header: 'userId,movieId,tag,timestamp',
  required: ['userId', 'movieId', 'tag', 'timestamp'],
  row: '2,10,funny,1445714994',
  badValue: {
    row: '2,10,funny,yesterday',
    message: 'field "timestamp": expected an integer, got "yesterday"',
  },
});
