import { sql } from 'kysely';
import { DAY_MS, HOUR_MS } from './activity-rollups.js';
import { signalCountsOf, windowOf } from './pipeline-stats.js';
import { type RollupWindow, rollupWindow, unitRange } from './rollup-window.js';
import type { StoreDatabase } from './schema.js';
import { binarySignalColumns } from './signal-columns.js';
import type {
  DailyActiveUsers,
  HourlyEvents,
  ItemTimeStats,
  StatsOptions,
  TimeStatsOptions,
} from './store.js';

/**
 * The dashboard overview's queries: events summed per (item, time bucket),
 * per UTC hour, and distinct users per UTC day. Whole hours and days come
 * from the rollups the triggers keep (activity-rollups.ts), the part of the
 * window shorter than a unit at either end from the log, so a refresh reads
 * rows that grow with items x hours, not with the events (docs/soak.md).
 */
export async function itemTimeStats(db: StoreDatabase, options: TimeStatsOptions): Promise<ItemTimeStats[]> {
  const { bucketMs } = options;
  if (!Number.isInteger(bucketMs) || bucketMs < 1)
    throw new RangeError(`bucketMs must be a whole number of ms >= 1, got ${bucketMs}`);
  // The rollup has no experiment, and buckets must be whole hours to be sums of its rows.
  if (options.experiment !== undefined || bucketMs % HOUR_MS !== 0) return itemBucketsOfLog(db, options);
  const window = rollupWindow(options, HOUR_MS);
  const parts = await Promise.all([
    ...window.edges.map((edge) => itemBucketsOfLog(db, { ...edge, bucketMs })),
    window.whole === undefined ? [] : itemBucketsOfRollup(db, window.whole, bucketMs),
  ]);
  const merged = new Map<string, ItemTimeStats>();
  for (const row of parts.flat()) {
    const key = `${row.start}\u0000${row.itemId}`;
    const sum = merged.get(key);
    if (sum === undefined) {
      merged.set(key, row);
      continue;
    }
    sum.events += row.events;
    sum.playTimeMs += row.playTimeMs;
    for (const [signal] of binarySignalColumns) sum.signals[signal] += row.signals[signal];
  }
  return [...merged.values()];
}

async function itemBucketsOfLog(db: StoreDatabase, options: TimeStatsOptions): Promise<ItemTimeStats[]> {
  // Event times are integers >= 0 (bounds.ts), so `/` is integer division on both databases.
  const bucket = sql<number>`time / ${sql.lit(options.bucketMs)}`;
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
  return rows.map((row) => itemTimeRow(row, options.bucketMs));
}

async function itemBucketsOfRollup(
  db: StoreDatabase,
  hours: NonNullable<RollupWindow['whole']>,
  bucketMs: number,
): Promise<ItemTimeStats[]> {
  const bucket = sql<number>`hour / ${sql.lit(bucketMs / HOUR_MS)}`;
  const rows = await db
    .selectFrom('item_hour_stats')
    .where((eb) => unitRange(eb, 'hour', hours))
    .select((eb) => [
      'item_id',
      bucket.as('bucket'),
      eb.fn.sum('events').as('events'),
      eb.fn.sum('play_time_ms').as('playTimeMs'),
      ...binarySignalColumns.map(([signal, column]) => eb.fn.sum(sql.ref<number>(column)).as(signal)),
    ])
    .groupBy(['item_id', bucket])
    .having((eb) => eb.fn.sum('events'), '>', 0)
    .execute();
  return rows.map((row) => itemTimeRow(row, bucketMs));
}

function itemTimeRow(
  row: { item_id: string; bucket: unknown; events: unknown; playTimeMs: unknown },
  bucketMs: number,
): ItemTimeStats {
  return {
    itemId: row.item_id,
    start: Number(row.bucket) * bucketMs,
    events: Number(row.events),
    playTimeMs: Number(row.playTimeMs ?? 0),
    signals: signalCountsOf(row),
  };
}

export async function hourlyEvents(db: StoreDatabase, options: StatsOptions = {}): Promise<HourlyEvents[]> {
  const ofLog = async (window: StatsOptions) => {
    const hour = sql<number>`time / ${sql.lit(HOUR_MS)}`;
    return db
      .selectFrom('events')
      .where((eb) => windowOf(eb, window))
      .select((eb) => [hour.as('hour'), eb.fn.countAll().as('events')])
      .groupBy(hour)
      .execute();
  };
  if (options.experiment !== undefined) return hourRows(await ofLog(options));
  const window = rollupWindow(options, HOUR_MS);
  const parts = await Promise.all([
    ...window.edges.map(ofLog),
    window.whole === undefined
      ? []
      : db
          .selectFrom('item_hour_stats')
          .where((eb) => unitRange(eb, 'hour', window.whole ?? {}))
          .select((eb) => ['hour', eb.fn.sum('events').as('events')])
          .groupBy('hour')
          .having((eb) => eb.fn.sum('events'), '>', 0)
          .execute(),
  ]);
  // Edges and whole hours never share an hour.
  return hourRows(parts.flat());
}

function hourRows(rows: Array<{ hour: unknown; events: unknown }>): HourlyEvents[] {
  return rows
    .map((row) => ({ hour: Number(row.hour) * HOUR_MS, events: Number(row.events) }))
    .sort((a, b) => a.hour - b.hour);
}

export async function dailyActiveUsers(
  db: StoreDatabase,
  options: StatsOptions = {},
): Promise<DailyActiveUsers[]> {
  const ofLog = async (window: StatsOptions) => {
    const day = sql<number>`time / ${sql.lit(DAY_MS)}`;
    return db
      .selectFrom('events')
      .where((eb) => windowOf(eb, window))
      .select((eb) => [day.as('day'), eb.fn.count('user_id').distinct().as('users')])
      .groupBy(day)
      .execute();
  };
  if (options.experiment !== undefined) return dayRows(await ofLog(options));
  const window = rollupWindow(options, DAY_MS);
  const parts = await Promise.all([
    ...window.edges.map(ofLog),
    window.whole === undefined
      ? []
      : db
          .selectFrom('active_user_days')
          .where((eb) => eb.and([unitRange(eb, 'day', window.whole ?? {}), eb('events', '>', 0)]))
          .select((eb) => ['day', eb.fn.countAll().as('users')])
          .groupBy('day')
          .execute(),
  ]);
  // An edge is part of one day and never a whole day: no day is counted twice.
  return dayRows(parts.flat());
}

function dayRows(rows: Array<{ day: unknown; users: unknown }>): DailyActiveUsers[] {
  return rows
    .map((row) => ({ day: Number(row.day) * DAY_MS, users: Number(row.users) }))
    .sort((a, b) => a.day - b.day);
}
