import { describe, expect, it } from 'vitest';
import { readMovieLensRatings } from './read-movielens-ratings.js';
import { collect, fixture } from './test-support/collect.js';
import { describeMalformedCsv } from './test-support/malformed-csv.js';

describe('readMovieLensRatings', () => {
  it('reads the rating as label and the timestamp as time', async () => {
    const ratings = await collect(readMovieLensRatings(fixture('movielens', 'ratings.csv')));
    expect(ratings).toHaveLength(5);
    expect(ratings[1]).toEqual({ user: '1', item: '20', label: 3.5, time: 964981247 });
  });
});

describeMalformedCsv({
  file: 'ratings.csv',
  read: readMovieLensRatings,
  header: 'userId,movieId,rating,timestamp',
  required: ['userId', 'movieId', 'rating', 'timestamp'],
  row: '1,10,4.0,964982703',
  badValue: { row: '1,10,abc,964982703', message: 'field "rating": expected a number, got "abc"' },
});
