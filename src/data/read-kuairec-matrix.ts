import { id, number, optional } from './field-parsers.js';
import { kuaishouDate } from './kuaishou-time.js';
import { readRows } from './read-rows.js';
import type { Interaction, ReadOptions } from './types.js';

const COLUMNS = [
  'user_id',
  'video_id',
  'play_duration',
  'video_duration',
  'time',
  'date',
  'timestamp',
  'watch_ratio',
] as const;

const optionalNumber = optional(number);
const optionalDate = optional(kuaishouDate);

/**
 * Reads the official KuaiRec `small_matrix.csv` / `big_matrix.csv`: label =
 * watch_ratio (play / video duration, above 1 on replays). `time` comes from
 * `timestamp`, else from `time`, else from `date`; all three may be empty.
 */
export function readKuaiRecMatrix(path: string, options: ReadOptions = {}): AsyncGenerator<Interaction> {
  return readRows(
    path,
    {
      header: COLUMNS,
      parse: (row) => {
        const interaction: Interaction = {
          user: row.get('user_id', id),
          item: row.get('video_id', id),
          label: row.get('watch_ratio', number),
          watchTimeMs: row.get('play_duration', number),
          durationMs: row.get('video_duration', number),
        };
        const timestamp = row.get('timestamp', optionalNumber);
        const dateTime = row.get('time', optionalDate);
        const day = row.get('date', optionalDate);
        const time = timestamp ?? dateTime ?? day;
        if (time !== undefined) interaction.time = time;
        return interaction;
      },
    },
    options,
  );
}
