import type { ImpressionLog } from './impression-log.js';

/**
 * Proxies of the long run derived from an impression log (docs/reward.md,
 * "Long-run proxies"); NaN where the log cannot tell.
 */
export interface LongRunProxies {
  /** [N] 1 when the user saw another impression in the same session after the row, else 0. */
  continued: Float32Array;
  /** [R] 1 when the request's user has any impression the next day, else 0; NaN on the log's last day. */
  returned: Float32Array;
}

export interface LongRunProxyOptions {
  /** Impressions per page (default 10, the simulator's and `readImpressionLog`'s). */
  pageSize?: number;
}

/**
 * The log has no timestamps, only day, hour, request and position, so:
 * - a row followed by another row of its request: continued (the user swiped on);
 * - the last row of a request shorter than `pageSize`: not continued (pages are
 *   cut only by the session's end, in the simulator and in `readImpressionLog`);
 * - the last row of a full page: continued when the user's next request is on
 *   the same day within the next hour (a session's pages run back to back),
 *   unknown (NaN) otherwise: the gap may be a new session.
 * Returned next day is per request: the user has any row on day + 1.
 */
export function longRunProxies(
  log: ImpressionLog,
  requestOffsets: Int32Array,
  options: LongRunProxyOptions = {},
): LongRunProxies {
  const pageSize = options.pageSize ?? 10;
  const R = requestOffsets.length - 1;
  const continued = new Float32Array(log.size);
  const returned = new Float32Array(R);
  let lastDay = 0;
  for (let k = 0; k < log.size; k++) lastDay = Math.max(lastDay, log.day[k]!);
  const activeDays = new Set<number>(); // user * (lastDay + 2) + day
  const key = (user: number, day: number) => user * (lastDay + 2) + day;
  for (let k = 0; k < log.size; k++) activeDays.add(key(log.user[k]!, log.day[k]!));
  const nextRequest = new Int32Array(R).fill(-1); // the same user's next request, in log order
  const latest = new Map<number, number>();
  for (let r = R - 1; r >= 0; r--) {
    const user = log.user[requestOffsets[r]!]!;
    nextRequest[r] = latest.get(user) ?? -1;
    latest.set(user, r);
  }
  for (let r = 0; r < R; r++) {
    const from = requestOffsets[r]!;
    const to = requestOffsets[r + 1]!;
    const user = log.user[from]!;
    const day = log.day[from]!;
    for (let k = from; k + 1 < to; k++) continued[k] = 1;
    const last = to - 1;
    if (to - from < pageSize) continued[last] = 0;
    else {
      const next = nextRequest[r]!;
      const start = next >= 0 ? requestOffsets[next]! : -1;
      const gap = start >= 0 ? log.hour[start]! - log.hour[last]! : -1;
      const backToBack = start >= 0 && log.day[start] === day && gap >= 0 && gap <= 1;
      continued[last] = backToBack ? 1 : Number.NaN;
    }
    returned[r] = day === lastDay ? Number.NaN : activeDays.has(key(user, day + 1)) ? 1 : 0;
  }
  return { continued, returned };
}
