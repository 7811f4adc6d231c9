import type { Signals } from '../data/index.js';
import type { EventsTable } from './schema.js';
import type { BinarySignal } from './store.js';

type SignalColumn = keyof EventsTable &
  (
    | 'is_click'
    | 'is_like'
    | 'is_follow'
    | 'is_comment'
    | 'is_forward'
    | 'is_hate'
    | 'long_view'
    | 'is_profile_enter'
    | 'play_time_ms'
    | 'duration_ms'
    | 'profile_stay_time_ms'
    | 'comment_stay_time_ms'
  );

/** The 0/1 signals and their columns (KuaiRand's column names). */
export const binarySignalColumns: ReadonlyArray<readonly [BinarySignal, SignalColumn]> = [
  ['click', 'is_click'],
  ['like', 'is_like'],
  ['follow', 'is_follow'],
  ['comment', 'is_comment'],
  ['forward', 'is_forward'],
  ['hate', 'is_hate'],
  ['longView', 'long_view'],
  ['profileEnter', 'is_profile_enter'],
];

/** All 12 signals and their columns: the binary ones, then the durations in ms. */
export const signalColumns: ReadonlyArray<readonly [keyof Signals, SignalColumn]> = [
  ...binarySignalColumns,
  ['playTimeMs', 'play_time_ms'],
  ['durationMs', 'duration_ms'],
  ['profileStayTimeMs', 'profile_stay_time_ms'],
  ['commentStayTimeMs', 'comment_stay_time_ms'],
];
