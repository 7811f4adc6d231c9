import { NotFoundError } from '../core/index.js';
import { hourOfWeek } from './hour-of-week.js';
import { type CreatorEvent, type CreatorItem, DAY_MS, HOURS_PER_WEEK } from './types.js';

export interface FanActivityOptions {
  /** The creator's fans when known (e.g. the platform's follow graph); otherwise derived from the log. */
  fans?: Iterable<string>;
  /** Without follow events, users with at least this many events on the creator's items count as fans (default 2). */
  minInteractions?: number;
  /** Only events in [since, until) count (unix ms). */
  since?: number;
  until?: number;
  /** The creator's time zone, hours east of UTC (default 0). */
  utcOffsetHours?: number;
  /**
   * Each event counts 2^(-age / halfLife), its age taken from `until` (else the
   * latest event): fans active lately are the ones active next week. Default
   * `fanActivityDefaults.halfLifeDays`; Infinity weighs every event alike.
   */
  halfLifeDays?: number;
}

export const fanActivityDefaults = { minInteractions: 2, halfLifeDays: 14 } as const;

/** Weight of an event `ageMs` old under a half-life in days (1 at age 0; Infinity: always 1). */
export function decayWeight(ageMs: number, halfLifeDays: number): number {
  if (!(halfLifeDays > 0)) throw new RangeError(`halfLifeDays ${halfLifeDays} must be > 0`);
  return halfLifeDays === Number.POSITIVE_INFINITY ? 1 : 2 ** (-Math.max(0, ageMs) / (halfLifeDays * DAY_MS));
}

export interface FanActivity {
  fans: string[];
  /** [168] events of the fans by hour of week (0 = Monday 00:00), over every item they watched, recency-weighted. */
  activity: Float64Array;
}

/**
 * When a creator's fans are on the platform. Fans are, in order of preference:
 * the given list; users with a `follow` signal on the creator's items; users
 * with at least `minInteractions` events on them. Their activity is every event
 * of theirs (on any item), binned by hour of week and weighted by recency.
 */
export function fanActivity(
  creatorId: string,
  events: readonly CreatorEvent[],
  items: Iterable<CreatorItem>,
  options: FanActivityOptions = {},
): FanActivity {
  const since = options.since ?? Number.NEGATIVE_INFINITY;
  const until = options.until ?? Number.POSITIVE_INFINITY;
  const inRange = (event: CreatorEvent) => event.time >= since && event.time < until;
  let fans: Set<string>;
  if (options.fans) {
    fans = new Set(options.fans);
  } else {
    const own = new Set<string>();
    for (const item of items) if (item.author === creatorId) own.add(item.id);
    if (own.size === 0) throw new NotFoundError(`Creator ${creatorId} has no items in the catalogue`);
    const followers = new Set<string>();
    const interactions = new Map<string, number>();
    for (const event of events) {
      if (!own.has(event.itemId) || !inRange(event)) continue;
      if (event.signals?.follow === 1) followers.add(event.userId);
      interactions.set(event.userId, (interactions.get(event.userId) ?? 0) + 1);
    }
    const minInteractions = options.minInteractions ?? fanActivityDefaults.minInteractions;
    fans =
      followers.size > 0
        ? followers
        : new Set([...interactions].filter(([, n]) => n >= minInteractions).map(([user]) => user));
  }
  const halfLifeDays = options.halfLifeDays ?? fanActivityDefaults.halfLifeDays;
  let reference = options.until;
  if (reference === undefined) {
    reference = Number.NEGATIVE_INFINITY;
    for (const event of events) if (fans.has(event.userId) && event.time > reference) reference = event.time;
  }
  const activity = new Float64Array(HOURS_PER_WEEK);
  for (const event of events) {
    if (fans.has(event.userId) && inRange(event)) {
      activity[hourOfWeek(event.time, options.utcOffsetHours)]! += decayWeight(
        reference - event.time,
        halfLifeDays,
      );
    }
  }
  return { fans: [...fans].sort(), activity };
}

/** [168] uploads of every other creator by hour of week: the competition for the fans' attention. */
export function uploadCompetition(
  creatorId: string | undefined,
  items: Iterable<CreatorItem>,
  options: Pick<FanActivityOptions, 'since' | 'until' | 'utcOffsetHours'> = {},
): Float64Array {
  const uploads = new Float64Array(HOURS_PER_WEEK);
  const since = options.since ?? Number.NEGATIVE_INFINITY;
  const until = options.until ?? Number.POSITIVE_INFINITY;
  for (const item of items) {
    if (item.uploadTime === undefined || item.author === creatorId) continue;
    if (item.uploadTime < since || item.uploadTime >= until) continue;
    uploads[hourOfWeek(item.uploadTime, options.utcOffsetHours)]!++;
  }
  return uploads;
}
