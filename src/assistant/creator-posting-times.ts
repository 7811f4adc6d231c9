import { type FanActivityOptions, fanActivity, uploadCompetition } from './fan-activity.js';
import { type PostingTimeOptions, type PostingWindow, suggestPostingTimes } from './posting-times.js';
import type { CreatorEvent, CreatorItem } from './types.js';

export interface CreatorPostingTimes {
  /** How many fans the advice rests on (0: no advice, `windows` is empty). */
  fans: number;
  /** Their recency-weighted events. */
  events: number;
  windows: PostingWindow[];
}

/**
 * The whole posting-time answer for one creator (what `GET
 * /v1/creators/{id}/posting-times` returns): fans and their activity
 * (`fanActivity`), the other creators' uploads as competition, the windows.
 * Throws `NotFoundError` when the creator has no items and no fan list is given.
 */
export function creatorPostingTimes(
  creatorId: string,
  events: readonly CreatorEvent[],
  items: readonly CreatorItem[],
  options: FanActivityOptions & Omit<PostingTimeOptions, 'competition'> = {},
): CreatorPostingTimes {
  const { fans, activity } = fanActivity(creatorId, events, items, options);
  const total = activity.reduce((sum, value) => sum + value, 0);
  if (fans.length === 0 || total === 0) return { fans: fans.length, events: total, windows: [] };
  const competition = uploadCompetition(creatorId, items, options);
  return {
    fans: fans.length,
    events: total,
    windows: suggestPostingTimes(activity, { ...options, competition }),
  };
}
