import { IdIndex, type ReadOptions, readKuaiRandLog } from '../data/index.js';
import { type ImpressionLog, ImpressionLogBuilder } from './impression-log.js';

/** A KuaiRand log read as an impression log, with the string ids behind the dense indices. */
export interface ReadImpressionLog {
  log: ImpressionLog;
  users: IdIndex;
  items: IdIndex;
}

export interface ReadImpressionLogOptions extends ReadOptions {
  /** Impressions per feed page (default 10, the simulator's). */
  pageSize?: number;
  /** A pause longer than this between one play's end and the next impression starts a new session (default 60 s). */
  sessionGapMs?: number;
  /** Known item ids (e.g. of a model being evaluated): items outside it are an error. */
  items?: IdIndex;
}

/**
 * Reads a KuaiRand log (`log_*.csv`, or `genfeed simulate --log`) in file order.
 * The schema has no request id, so requests are rebuilt: a user's consecutive
 * impressions form a session while each starts within `sessionGapMs` of the
 * previous play's end, and a session is cut into pages of `pageSize`. This is
 * exact for the simulator's logs (pages of 10, a one-second swipe); on real
 * logs it is an approximation of the page.
 */
export async function readImpressionLog(
  path: string,
  options: ReadImpressionLogOptions = {},
): Promise<ReadImpressionLog> {
  const pageSize = options.pageSize ?? 10;
  const gapMs = options.sessionGapMs ?? 60_000;
  const users = new IdIndex();
  const items = options.items ?? new IdIndex();
  const fixedItems = options.items !== undefined;
  const rows: {
    user: number;
    item: number;
    timeMs: number;
    durationMs: number;
    playTimeMs: number;
    signals: number[];
  }[] = [];
  for await (const row of readKuaiRandLog(path, options)) {
    const item = fixedItems ? items.find(row.item) : items.intern(row.item);
    if (item === undefined) throw new RangeError(`${path}: video_id ${row.item} is not known to the model`);
    const s = row.signals ?? {};
    rows.push({
      user: users.intern(row.user),
      item,
      timeMs: (row.time ?? 0) * 1000,
      durationMs: row.durationMs ?? 0,
      playTimeMs: row.watchTimeMs ?? 0,
      signals: [s.click, s.longView, s.like, s.follow, s.comment, s.forward, s.hate, s.profileEnter].map(
        (v) => v ?? 0,
      ),
    });
  }
  if (rows.length === 0) throw new RangeError(`${path} holds no impressions`);
  const builder = new ImpressionLogBuilder(users.size, items.size);
  let earliest = Number.POSITIVE_INFINITY;
  for (const row of rows) earliest = Math.min(earliest, row.timeMs);
  const firstDay = Math.floor(earliest / 86_400_000);
  let request = -1;
  let position = 0;
  rows.forEach((row, k) => {
    const previous = k > 0 ? rows[k - 1] : undefined;
    const sameSession =
      previous !== undefined &&
      previous.user === row.user &&
      row.timeMs >= previous.timeMs &&
      row.timeMs - (previous.timeMs + previous.playTimeMs) <= gapMs;
    if (!sameSession || position === pageSize) {
      request++;
      position = 0;
    }
    const date = new Date(row.timeMs);
    builder.push({
      ...row,
      request,
      position: position++,
      day: Math.floor(row.timeMs / 86_400_000) - firstDay,
      hour: date.getUTCHours(),
    });
  });
  return { log: builder.build(), users, items };
}
