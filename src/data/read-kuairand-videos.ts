import { id, integer, list, number, optional } from './field-parsers.js';
import { kuaishouDate } from './kuaishou-time.js';
import { nonEmpty, omitUndefined } from './omit-undefined.js';
import { readRows } from './read-rows.js';
import type { Item, ReadOptions } from './types.js';

const COLUMNS = [
  'video_id',
  'author_id',
  'video_type',
  'upload_dt',
  'upload_type',
  'visible_status',
  'video_duration',
  'server_width',
  'server_height',
  'music_id',
  'music_type',
  'tag',
] as const;

const optionalNumber = optional(number);
const optionalDate = optional(kuaishouDate);
// Written bare: `39` or `"39,68"`, empty when the video has none.
const tagList = list(integer, { brackets: false });

/**
 * Reads KuaiRand `video_features_basic_*.csv`. In the Pure release
 * video_duration (239 of 7,583 rows), music_type (203) and tag (96) can be
 * empty; numbers are written as floats (`87433.0`).
 */
export function readKuaiRandVideos(path: string, options: ReadOptions = {}): AsyncGenerator<Item> {
  return readRows(
    path,
    {
      header: COLUMNS,
      parse: (row) => {
        // Checked though Item has no place for them: a malformed one means a malformed row.
        row.get('visible_status', optionalNumber);
        row.get('server_width', optionalNumber);
        row.get('server_height', optionalNumber);
        row.get('music_type', optionalNumber);
        return omitUndefined<Item>({
          id: row.get('video_id', id),
          author: row.get('author_id', id),
          durationMs: row.get('video_duration', optionalNumber),
          uploadTime: row.get('upload_dt', optionalDate),
          tags: nonEmpty(row.get('tag', tagList).map(String)),
        });
      },
    },
    options,
  );
}
