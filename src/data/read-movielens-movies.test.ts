import { describe, expect, it } from 'vitest';
import { readMovieLensMovies } from './read-movielens-movies.js';
import { collect, fixture } from './test-support/collect.js';
import { describeMalformedCsv } from './test-support/malformed-csv.js';

describe('readMovieLensMovies', () => {
  it('reads titles (quoted ones included) and genres as categories', async () => {
    expect(await collect(readMovieLensMovies(fixture('movielens', 'movies.csv')))).toEqual([
      { id: '10', title: 'Toy Tale (1995)', categories: ['Adventure', 'Animation', 'Children'] },
      { id: '20', title: 'City, Lost (1998)', categories: ['Drama', 'Mystery'] },
      { id: '30', title: 'Quiet Film (2001)' },
    ]);
  });
});

describeMalformedCsv({
  file: 'movies.csv',
  read: readMovieLensMovies,
  header: 'movieId,title,genres',
  required: ['movieId', 'title', 'genres'],
  row: '10,Toy Tale (1995),Comedy',
  badValue: { row: ' ,Toy Tale (1995),Comedy', message: 'field "movieId": expected an id, got " "' },
});
