import { sql } from 'kysely';
import { windowOf, zeroSignals } from './pipeline-stats.js';
import type { StoreDatabase } from './schema.js';
import { binarySignalColumns } from './signal-columns.js';
import type { DailyActiveUsers, ItemHourStats, StatsOptions } from './store.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * The dashboard overview's queries: the window's events summed per (item, UTC
 * hour) and distinct users per UTC day, computed by the database (on SQLite by
 * the reader thread). The overview used to stream every event into the server
 * to sum them there: on a growing log each pass allocated more, and a server's
 * resident memory rose with the log (docs/soak.md, session 9).
 */
export async function itemHourStats(db: StoreDatabase, options: StatsOptions = {}): Promise<ItemHourStats[]> {
  // Event times are integers >= 0 (bounds.ts), so `/` is integer division on both databases.
  const hour = sql<number>`time / ${sql.lit(HOUR_MS)}`;
  const rows = await db
    .selectFrom('events')
    .where((eb) => windowOf(eb, options))
    .select((eb) => [
      'item_id',
      hour.as('hour'),
      eb.fn.countAll().as('events'),
      eb.fn.sum('play_time_ms').as('playTimeMs'),
      ...binarySignalColumns.map(([signal, column]) =>
        sql<number>`sum(case when ${sql.ref(column)} > 0 then 1 else 0 end)`.as(signal),
      ),
    ])
    .groupBy(['item_id', hour])
    .execute();
  return rows.map((row) => {
    const values = row as unknown as Record<string, unknown>;
    const signals = zeroSignals();
    for (const [signal] of binarySignalColumns) signals[signal] = Number(values[signal] ?? 0);
    return {
      itemId: row.item_id,
      hour: Number(row.hour) * HOUR_MS,
      events: Number(row.events),
      playTimeMs: Number(row.playTimeMs ?? 0),
      signals,
    };
  });
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
