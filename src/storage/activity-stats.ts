import { sql } from 'kysely';
import { signalCountsOf, windowOf } from './pipeline-stats.js';
import type { StoreDatabase } from './schema.js';
import { binarySignalColumns } from './signal-columns.js';
import type {
  DailyActiveUsers,
  HourlyEvents,
  ItemTimeStats,
  StatsOptions,
  TimeStatsOptions,
} from './store.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * The dashboard overview's queries, aggregated by the database (on SQLite by
 * the reader thread): the window's events summed per (item, time bucket), per
 * UTC hour, and distinct users per UTC day. The overview used to stream every
 * event into the server to sum them there: each pass allocated with the log,
 * and the servers' resident memory rose with it (docs/soak.md, session 9).
 */
export async function itemTimeStats(db: StoreDatabase, options: TimeStatsOptions): Promise<ItemTimeStats[]> {
  const { bucketMs } = options;
  if (!Number.isInteger(bucketMs) || bucketMs < 1)
    throw new RangeError(`bucketMs must be a whole number of ms >= 1, got ${bucketMs}`);
  // Event times are integers >= 0 (bounds.ts), so `/` is integer division on both databases.
  const bucket = sql<number>`time / ${sql.lit(bucketMs)}`;
  const rows = await db
    .selectFrom('events')
    .where((eb) => windowOf(eb, options))
    .select((eb) => [
      'item_id',
      bucket.as('bucket'),
      eb.fn.countAll().as('events'),
      eb.fn.sum('play_time_ms').as('playTimeMs'),
      ...binarySignalColumns.map(([signal, column]) =>
        sql<number>`sum(case when ${sql.ref(column)} > 0 then 1 else 0 end)`.as(signal),
      ),
    ])
    .groupBy(['item_id', bucket])
    .execute();
  return rows.map((row) => {
    const signals = signalCountsOf(row);
    return {
      itemId: row.item_id,
      start: Number(row.bucket) * bucketMs,
      events: Number(row.events),
      playTimeMs: Number(row.playTimeMs ?? 0),
      signals,
    };
  });
}

export async function hourlyEvents(db: StoreDatabase, options: StatsOptions = {}): Promise<HourlyEvents[]> {
  const hour = sql<number>`time / ${sql.lit(HOUR_MS)}`;
  const rows = await db
    .selectFrom('events')
    .where((eb) => windowOf(eb, options))
    .select((eb) => [hour.as('hour'), eb.fn.countAll().as('events')])
    .groupBy(hour)
    .orderBy(hour)
    .execute();
  return rows.map((row) => ({ hour: Number(row.hour) * HOUR_MS, events: Number(row.events) }));
}

export async function dailyActiveUsers(
  db: StoreDatabase,
  options: StatsOptions = {},
): Promise<DailyActiveUsers[]> {
  const day = sql<number>`time / ${sql.lit(DAY_MS)}`;
  const rows = await db
    .selectFrom('events')
    .where((eb) => windowOf(eb, options))
    .select((eb) => [day.as('day'), eb.fn.count('user_id').distinct().as('users')])
    .groupBy(day)
    .orderBy(day)
    .execute();
  return rows.map((row) => ({ day: Number(row.day) * DAY_MS, users: Number(row.users) }));
}
