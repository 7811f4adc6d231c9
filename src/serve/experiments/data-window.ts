import type { Store } from '../../storage/index.js';

export const DAY_MS = 86_400_000;

/** The UTC days a page shows: `[since, until)`, one entry per day start. */
export interface DataWindow {
  since: number;
  until: number;
  days: number[];
}

/**
 * The newest event time, by binary search over `exportEvents({ since, limit: 1 })`
 * (an index range probe on events (time, id), so ~45 cheap queries instead of a
 * scan). Undefined for a store without events.
 */
export async function newestEventTime(store: Store, now: number): Promise<number | undefined> {
  const first = (await store.exportEvents({ limit: 1 })).records[0];
  if (first === undefined) return undefined;
  let low = first.time; // an event at or after low exists
  let high = Math.max(now, low) + 366 * DAY_MS; // none at or after high (assumed: clocks are not a year ahead)
  if ((await store.exportEvents({ since: high, limit: 1 })).records.length > 0) return high;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if ((await store.exportEvents({ since: middle, limit: 1 })).records.length > 0) low = middle;
    else high = middle;
  }
  return low;
}

/**
 * Whole UTC days ending with the day of the newest event (or of `now` for an
 * empty store): `days` of them when given, else up to `defaultDays`, fewer
 * when the log starts later (a two-day demo shows two days, not fourteen).
 */
export async function dataWindow(
  store: Store,
  days: number | undefined,
  now: number,
  defaultDays = 14,
): Promise<DataWindow> {
  for (const [name, value] of [
    ['days', days],
    ['defaultDays', defaultDays],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1 && value <= 366)) {
      throw new RangeError(`${name} must be an integer in 1..366, got ${value}`);
    }
  }
  const newest = (await newestEventTime(store, now)) ?? now;
  const until = (Math.floor(newest / DAY_MS) + 1) * DAY_MS;
  let count = days;
  if (count === undefined) {
    const first = (await store.exportEvents({ limit: 1 })).records[0];
    const span =
      first === undefined ? 1 : Math.ceil((until - Math.floor(first.time / DAY_MS) * DAY_MS) / DAY_MS);
    count = Math.min(defaultDays, Math.max(1, span));
  }
  const since = until - count * DAY_MS;
  return { since, until, days: Array.from({ length: count }, (_, day) => since + day * DAY_MS) };
}

export function dayLabel(dayStart: number): string {
  return new Date(dayStart).toISOString().slice(0, 10);
}

/** The window `[since, until)` with the UTC days it touches (explicit bounds, as `genfeed experiment report --since` gives). */
export function windowBetween(since: number, until: number): DataWindow {
  if (!(Number.isFinite(since) && Number.isFinite(until) && since < until))
    throw new RangeError(`the window needs since < until, got ${since} and ${until}`);
  const first = Math.floor(since / DAY_MS) * DAY_MS;
  const count = Math.ceil((until - first) / DAY_MS);
  return { since, until, days: Array.from({ length: count }, (_, day) => first + day * DAY_MS) };
}
