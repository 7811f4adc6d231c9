import { id, integer } from './field-parsers.js';
import { readRows } from './read-rows.js';
import { RowProblem } from './row-problem.js';
import type { ReadOptions } from './types.js';

/** One free-text tag a user put on a movie. */
export interface MovieLensTag {
  user: string;
  item: string;
  tag: string;
  /** Unix time in seconds. */
  time: number;
}

/** Reads MovieLens `tags.csv` (userId,movieId,tag,timestamp). */
export function readMovieLensTags(path: string, options: ReadOptions = {}): AsyncGenerator<MovieLensTag> {
  return readRows(
    path,
    {
      header: ['userId', 'movieId', 'tag', 'timestamp'],
      parse: (row) => ({
        user: row.get('userId', id),
        item: row.get('movieId', id),
        tag: row.get('tag', tagText),
        time: row.get('timestamp', integer),
      }),
    },
    options,
  );
}

function tagText(value: string): string {
  const tag = value.trim();
  if (tag === '') throw new RowProblem('expected a tag');
  return tag;
}
