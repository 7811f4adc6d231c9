import { id, integer, number } from './field-parsers.js';
import { readRows } from './read-rows.js';
import { RowProblem } from './row-problem.js';
import type { Interaction, ReadOptions } from './types.js';

/**
 * MovieLens collected its first ratings on 1995-01-09 (ML-25M README): an
 * earlier timestamp is a row cut short (`964982703` copied as `9649`).
 */
const FIRST_RATING_SECONDS = Date.UTC(1995, 0, 1) / 1000;

/**
 * Reads MovieLens `ratings.csv` (userId,movieId,rating,timestamp): label = the
 * rating. With `refuseCutRows`, a timestamp before 1995 is a bad row.
 */
export function readMovieLensRatings(path: string, options: ReadOptions = {}): AsyncGenerator<Interaction> {
  return readRows(
    path,
    {
      header: ['userId', 'movieId', 'rating', 'timestamp'],
      parse: (row) => {
        const rating = {
          user: row.get('userId', id),
          item: row.get('movieId', id),
          label: row.get('rating', number),
          time: row.get('timestamp', integer),
        };
        if (options.refuseCutRows && rating.time < FIRST_RATING_SECONDS) {
          const date = new Date(rating.time * 1000);
          const when = Number.isNaN(date.getTime()) ? '' : ` (${date.toISOString().replace('.000Z', 'Z')})`;
          throw new RowProblem(
            `${rating.time}${when} is before MovieLens began (1995): the row may be cut short`,
            'timestamp',
            String(rating.time),
          );
        }
        return rating;
      },
    },
    options,
  );
}
