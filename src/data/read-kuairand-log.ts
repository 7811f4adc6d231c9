import { binary, id, integer, number } from './field-parsers.js';
import { readRows } from './read-rows.js';
import type { Interaction, ReadOptions } from './types.js';

const COLUMNS = [
  'user_id',
  'video_id',
  'date',
  'hourmin',
  'time_ms',
  'is_click',
  'is_like',
  'is_follow',
  'is_comment',
  'is_forward',
  'is_hate',
  'long_view',
  'play_time_ms',
  'duration_ms',
  'profile_stay_time',
  'comment_stay_time',
  'is_profile_enter',
  'is_rand',
  'tab',
] as const;

/**
 * Reads a KuaiRand log (`log_standard_*.csv`, `log_random_*.csv`): one
 * impression per row with its 12 feedback signals. No label is set: which
 * signal counts as positive is the caller's choice. The stay times are passed
 * through unconverted (the KuaiRand README gives no unit; they sit beside ms columns).
 */
export function readKuaiRandLog(path: string, options: ReadOptions = {}): AsyncGenerator<Interaction> {
  return readRows(
    path,
    {
      header: COLUMNS,
      parse: (row) => {
        // Checked though not kept: a malformed date or hour means a malformed row.
        row.get('date', integer);
        row.get('hourmin', integer);
        const playTimeMs = row.get('play_time_ms', number);
        const durationMs = row.get('duration_ms', number);
        return {
          user: row.get('user_id', id),
          item: row.get('video_id', id),
          time: row.get('time_ms', number) / 1000,
          watchTimeMs: playTimeMs,
          durationMs,
          signals: {
            click: row.get('is_click', binary),
            like: row.get('is_like', binary),
            follow: row.get('is_follow', binary),
            comment: row.get('is_comment', binary),
            forward: row.get('is_forward', binary),
            hate: row.get('is_hate', binary),
            longView: row.get('long_view', binary),
            profileEnter: row.get('is_profile_enter', binary),
            playTimeMs,
            durationMs,
            profileStayTimeMs: row.get('profile_stay_time', number),
            commentStayTimeMs: row.get('comment_stay_time', number),
          },
          isRandom: row.get('is_rand', binary) === 1,
          tab: row.get('tab', integer),
        };
      },
    },
    options,
  );
}
