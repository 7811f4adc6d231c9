import { id } from './field-parsers.js';
import { nonEmpty, omitUndefined } from './omit-undefined.js';
import { readRows } from './read-rows.js';
import type { Item, ReadOptions } from './types.js';

const NO_GENRES = '(no genres listed)';

/** Reads MovieLens `movies.csv` (movieId,title,genres): genres `A|B` become the categories. */
export function readMovieLensMovies(path: string, options: ReadOptions = {}): AsyncGenerator<Item> {
  return readRows(
    path,
    {
      header: ['movieId', 'title', 'genres'],
      parse: (row) => {
        const genres = row.get('genres').trim();
        return omitUndefined<Item>({
          id: row.get('movieId', id),
          title: row.get('title').trim() || undefined,
          categories:
            genres === NO_GENRES ? undefined : nonEmpty(genres.split('|').filter((genre) => genre !== '')),
        });
      },
    },
    options,
  );
}
