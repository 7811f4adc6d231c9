import { id, integer, number } from './field-parsers.js';
import { readRows } from './read-rows.js';
import type { Interaction, ReadOptions } from './types.js';

/** Reads MovieLens `ratings.csv` (userId,movieId,rating,timestamp): label = the rating. */
export function readMovieLensRatings(path: string, options: ReadOptions = {}): AsyncGenerator<Interaction> {
  return readRows(
    path,
    {
      header: ['userId', 'movieId', 'rating', 'timestamp'],
      parse: (row) => ({
        user: row.get('userId', id),
        item: row.get('movieId', id),
        label: row.get('rating', number),
        time: row.get('timestamp', integer),
      }),
    },
    options,
  );
}
