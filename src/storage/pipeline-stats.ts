import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import { DAY_MS } from './activity-rollups.js';
import { type RollupWindow, rollupWindow, unitRange } from './rollup-window.js';
import type { Database, StoreDatabase } from './schema.js';
import { binarySignalColumns } from './signal-columns.js';
import type { PipelineStats, PipelineUserStats, SignalCounts, StatsOptions } from './store.js';

/** A (pipeline, user)'s totals over a window: what both experiment queries read. */
interface UserTotals {
  pipeline: string;
  userId: string;
  requests: number;
  impressions: number;
  latencyMs: number;
  cpuMs: number;
  events: number;
  playTimeMs: number;
  signals: SignalCounts;
  /** Distinct UTC days with a request or an attributed event. */
  activeDays: number;
}

/**
 * The experiment report's queries: totals per pipeline and per (pipeline,
 * user) over a window, from the requests the pipelines served and the events
 * attributed to them (events without a pipeline, e.g. imports, are left out).
 * Whole UTC days come from the `pipeline_user_days` rollup, the parts of the
 * window shorter than a day from the log (activity-rollups.ts).
 */
export async function pipelineStats(db: StoreDatabase, options: StatsOptions = {}): Promise<PipelineStats[]> {
  const byPipeline = new Map<string, PipelineStats>();
  for (const user of await userTotals(db, options)) {
    let stats = byPipeline.get(user.pipeline);
    if (stats === undefined) {
      stats = {
        pipeline: user.pipeline,
        requests: 0,
        impressions: 0,
        users: 0,
        latencyMs: 0,
        cpuMs: 0,
        events: 0,
        playTimeMs: 0,
        signals: zeroSignals(),
      };
      byPipeline.set(user.pipeline, stats);
    }
    stats.requests += user.requests;
    stats.impressions += user.impressions;
    if (user.requests > 0) stats.users++;
    stats.latencyMs += user.latencyMs;
    stats.cpuMs += user.cpuMs;
    stats.events += user.events;
    stats.playTimeMs += user.playTimeMs;
    for (const [signal] of binarySignalColumns) stats.signals[signal] += user.signals[signal];
  }
  return [...byPipeline.values()].sort((a, b) => compareText(a.pipeline, b.pipeline));
}

export async function pipelineUserStats(
  db: StoreDatabase,
  options: StatsOptions = {},
): Promise<PipelineUserStats[]> {
  return (await userTotals(db, options))
    .map(({ pipeline, userId, requests, events, playTimeMs, activeDays, signals }) => ({
      pipeline,
      userId,
      requests,
      events,
      playTimeMs,
      activeDays,
      signals,
    }))
    .sort((a, b) => compareText(a.pipeline, b.pipeline) || compareText(a.userId, b.userId));
}

async function userTotals(db: StoreDatabase, options: StatsOptions): Promise<UserTotals[]> {
  const window = rollupWindow(options, DAY_MS);
  const experiment = options.experiment === undefined ? {} : { experiment: options.experiment };
  const parts = await Promise.all([
    ...window.edges.map((edge) => userTotalsOfLog(db, { ...edge, ...experiment })),
    window.whole === undefined ? [] : userTotalsOfRollup(db, window.whole, options.experiment),
  ]);
  const merged = new Map<string, UserTotals>();
  for (const row of parts.flat()) {
    const key = `${row.pipeline}\u0000${row.userId}`;
    const sum = merged.get(key);
    if (sum === undefined) {
      merged.set(key, row);
      continue;
    }
    // Edges and whole days never share a day, so active days add up too.
    sum.requests += row.requests;
    sum.impressions += row.impressions;
    sum.latencyMs += row.latencyMs;
    sum.cpuMs += row.cpuMs;
    sum.events += row.events;
    sum.playTimeMs += row.playTimeMs;
    sum.activeDays += row.activeDays;
    for (const [signal] of binarySignalColumns) sum.signals[signal] += row.signals[signal];
  }
  return [...merged.values()];
}

async function userTotalsOfRollup(
  db: StoreDatabase,
  days: NonNullable<RollupWindow['whole']>,
  experiment: string | undefined,
): Promise<UserTotals[]> {
  const signalSums = (eb: ExpressionBuilder<Database, 'pipeline_user_days'>) =>
    binarySignalColumns.map(([, column]) => eb.fn.sum(sql.ref<number>(column)).as(column));
  // One row per (pipeline, user, day) across experiments, days with something only: an active day each.
  const perDay = db
    .selectFrom('pipeline_user_days')
    .where((eb) =>
      eb.and([
        unitRange(eb, 'day', days),
        ...(experiment === undefined ? [] : [eb('experiment', '=', experiment)]),
      ]),
    )
    .select((eb) => [
      'pipeline',
      'user_id',
      eb.fn.sum('requests').as('requests'),
      eb.fn.sum('impressions').as('impressions'),
      eb.fn.sum('latency_ms').as('latency_ms'),
      eb.fn.sum('cpu_ms').as('cpu_ms'),
      eb.fn.sum('events').as('events'),
      eb.fn.sum('play_time_ms').as('play_time_ms'),
      ...signalSums(eb),
    ])
    .groupBy(['day', 'pipeline', 'user_id'])
    .having((eb) => eb.or([eb(eb.fn.sum('requests'), '>', 0), eb(eb.fn.sum('events'), '>', 0)]))
    .as('per_day');
  const rows = await db
    .selectFrom(perDay)
    .select((eb) => [
      'per_day.pipeline',
      'per_day.user_id',
      eb.fn.sum('per_day.requests').as('requests'),
      eb.fn.sum('per_day.impressions').as('impressions'),
      eb.fn.sum('per_day.latency_ms').as('latencyMs'),
      eb.fn.sum('per_day.cpu_ms').as('cpuMs'),
      eb.fn.sum('per_day.events').as('events'),
      eb.fn.sum('per_day.play_time_ms').as('playTimeMs'),
      ...binarySignalColumns.map(([signal, column]) =>
        eb.fn.sum(sql.ref<number>(`per_day.${column}`)).as(signal),
      ),
      eb.fn.countAll().as('activeDays'),
    ])
    .groupBy(['per_day.pipeline', 'per_day.user_id'])
    .execute();
  return rows.map((row) => ({
    pipeline: row.pipeline,
    userId: row.user_id,
    requests: Number(row.requests),
    impressions: Number(row.impressions),
    latencyMs: Number(row.latencyMs),
    cpuMs: Number(row.cpuMs),
    events: Number(row.events),
    playTimeMs: Number(row.playTimeMs),
    signals: signalCountsOf(row),
    activeDays: Number(row.activeDays),
  }));
}

/** The same totals summed from the log (the window's edges, shorter than a day). */
async function userTotalsOfLog(db: StoreDatabase, options: StatsOptions): Promise<UserTotals[]> {
  const requests = await db
    .selectFrom('requests')
    .where((eb) => windowOf(eb, options))
    .select((eb) => [
      'pipeline',
      'user_id',
      eb.fn.countAll().as('requests'),
      eb.fn.sum('item_count').as('impressions'),
      eb.fn.sum('latency_ms').as('latencyMs'),
      eb.fn.sum('cpu_ms').as('cpuMs'),
    ])
    .groupBy(['pipeline', 'user_id'])
    .execute();
  const events = await db
    .selectFrom('events')
    .where((eb) => windowOf(eb, options))
    .where('pipeline', 'is not', null)
    .select((eb) => [
      sql<string>`pipeline`.as('pipeline'),
      'user_id',
      eb.fn.countAll().as('events'),
      eb.fn.sum('play_time_ms').as('playTimeMs'),
      ...binarySignalColumns.map(([signal, column]) => eb.fn.sum(column).as(signal)),
    ])
    .groupBy(['pipeline', 'user_id'])
    .execute();
  const day = sql<number>`time / ${sql.lit(DAY_MS)}`;
  const days = await db
    .selectFrom('requests')
    .where((eb) => windowOf(eb, options))
    .select(['pipeline', 'user_id', day.as('day')])
    .union(
      db
        .selectFrom('events')
        .where((eb) => windowOf(eb, options))
        .where('pipeline', 'is not', null)
        .select([sql<string>`pipeline`.as('pipeline'), 'user_id', day.as('day')]),
    )
    .execute();

  const byUser = new Map<string, UserTotals>();
  const entry = (pipeline: string, userId: string): UserTotals => {
    const key = `${pipeline}\u0000${userId}`;
    let totals = byUser.get(key);
    if (totals === undefined) {
      totals = {
        pipeline,
        userId,
        requests: 0,
        impressions: 0,
        latencyMs: 0,
        cpuMs: 0,
        events: 0,
        playTimeMs: 0,
        signals: zeroSignals(),
        activeDays: 0,
      };
      byUser.set(key, totals);
    }
    return totals;
  };
  for (const row of requests) {
    Object.assign(entry(row.pipeline, row.user_id), {
      requests: Number(row.requests),
      impressions: Number(row.impressions ?? 0),
      latencyMs: Number(row.latencyMs ?? 0),
      cpuMs: Number(row.cpuMs ?? 0),
    });
  }
  for (const row of events) {
    Object.assign(entry(row.pipeline, row.user_id), {
      events: Number(row.events),
      playTimeMs: Number(row.playTimeMs ?? 0),
      signals: signalCountsOf(row),
    });
  }
  for (const row of days) entry(row.pipeline, row.user_id).activeDays++;
  return [...byUser.values()];
}

/** The time window and experiment filter shared by the stats queries (tables with `time` and `experiment`). */
export function windowOf(
  // biome-ignore lint/suspicious/noExplicitAny: the same filter applies to requests and events
  eb: any,
  options: StatsOptions,
): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [];
  if (options.since !== undefined) conditions.push(eb('time', '>=', options.since));
  if (options.until !== undefined) conditions.push(eb('time', '<', options.until));
  if (options.experiment !== undefined) conditions.push(eb('experiment', '=', options.experiment));
  return eb.and(conditions);
}

/** Code-point order: the same on every machine, unlike `localeCompare`. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The signal sums of an aggregate row whose columns are named after the signals. */
export function signalCountsOf(row: object): SignalCounts {
  const values = row as Record<string, unknown>;
  const signals = zeroSignals();
  for (const [signal] of binarySignalColumns) signals[signal] = Number(values[signal] ?? 0);
  return signals;
}

export function zeroSignals(): SignalCounts {
  return Object.fromEntries(binarySignalColumns.map(([signal]) => [signal, 0])) as SignalCounts;
}
