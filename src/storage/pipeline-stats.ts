import { type Expression, type SqlBool, sql } from 'kysely';
import type { StoreDatabase } from './schema.js';
import { binarySignalColumns } from './signal-columns.js';
import type { PipelineStats, PipelineUserStats, SignalCounts, StatsOptions } from './store.js';

const DAY_MS = 86_400_000;

/**
 * The experiment report's queries: totals per pipeline (here) and per
 * (pipeline, user) over a window, from the requests the pipelines served and
 * the events attributed to them. Events without a pipeline (imports) are left out.
 */
export async function pipelineStats(db: StoreDatabase, options: StatsOptions = {}): Promise<PipelineStats[]> {
  const requests = await db
    .selectFrom('requests')
    .where((eb) => windowOf(eb, options))
    .select((eb) => [
      'pipeline',
      eb.fn.countAll().as('requests'),
      eb.fn.sum('item_count').as('impressions'),
      eb.fn.count('user_id').distinct().as('users'),
      eb.fn.sum('latency_ms').as('latencyMs'),
      eb.fn.sum('cpu_ms').as('cpuMs'),
    ])
    .groupBy('pipeline')
    .execute();
  const events = await eventTotals(db, options, false);
  const byPipeline = new Map<string, PipelineStats>();
  const entry = (pipeline: string): PipelineStats => {
    let stats = byPipeline.get(pipeline);
    if (stats === undefined) {
      stats = {
        pipeline,
        requests: 0,
        impressions: 0,
        users: 0,
        latencyMs: 0,
        cpuMs: 0,
        events: 0,
        playTimeMs: 0,
        signals: zeroSignals(),
      };
      byPipeline.set(pipeline, stats);
    }
    return stats;
  };
  for (const row of requests) {
    Object.assign(entry(row.pipeline), {
      requests: Number(row.requests),
      impressions: Number(row.impressions ?? 0),
      users: Number(row.users),
      latencyMs: Number(row.latencyMs ?? 0),
      cpuMs: Number(row.cpuMs ?? 0),
    });
  }
  for (const row of events) {
    Object.assign(entry(row.pipeline), {
      events: row.events,
      playTimeMs: row.playTimeMs,
      signals: row.signals,
    });
  }
  return [...byPipeline.values()].sort((a, b) => compareText(a.pipeline, b.pipeline));
}

export async function pipelineUserStats(
  db: StoreDatabase,
  options: StatsOptions = {},
): Promise<PipelineUserStats[]> {
  const requests = await db
    .selectFrom('requests')
    .where((eb) => windowOf(eb, options))
    .select((eb) => ['pipeline', 'user_id', eb.fn.countAll().as('requests')])
    .groupBy(['pipeline', 'user_id'])
    .execute();
  const events = await eventTotals(db, options, true);
  // Distinct (pipeline, user, UTC day) with a request or an event: days active, for retention.
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

  const byUser = new Map<string, PipelineUserStats>();
  const entry = (pipeline: string, userId: string): PipelineUserStats => {
    const key = `${pipeline}\u0000${userId}`;
    let stats = byUser.get(key);
    if (stats === undefined) {
      stats = {
        pipeline,
        userId,
        requests: 0,
        events: 0,
        playTimeMs: 0,
        activeDays: 0,
        signals: zeroSignals(),
      };
      byUser.set(key, stats);
    }
    return stats;
  };
  for (const row of requests) entry(row.pipeline, row.user_id).requests = Number(row.requests);
  for (const row of events) {
    Object.assign(entry(row.pipeline, row.userId), {
      events: row.events,
      playTimeMs: row.playTimeMs,
      signals: row.signals,
    });
  }
  for (const row of days) entry(row.pipeline, row.user_id).activeDays++;
  return [...byUser.values()].sort(
    (a, b) => compareText(a.pipeline, b.pipeline) || compareText(a.userId, b.userId),
  );
}

/** Events attributed to a pipeline, summed per pipeline (and per user when `perUser`). */
async function eventTotals(
  db: StoreDatabase,
  options: StatsOptions,
  perUser: boolean,
): Promise<
  Array<{ pipeline: string; userId: string; events: number; playTimeMs: number; signals: SignalCounts }>
> {
  const groups = perUser ? (['pipeline', 'user_id'] as const) : (['pipeline'] as const);
  const rows = await db
    .selectFrom('events')
    .where((eb) => windowOf(eb, options))
    .where('pipeline', 'is not', null)
    .select((eb) => [
      sql<string>`pipeline`.as('pipeline'),
      (perUser ? sql<string>`user_id` : sql<string>`''`).as('userId'),
      eb.fn.countAll().as('events'),
      eb.fn.sum('play_time_ms').as('playTimeMs'),
      ...binarySignalColumns.map(([signal, column]) => eb.fn.sum(column).as(signal)),
    ])
    .groupBy([...groups])
    .execute();
  return rows.map((row) => {
    const signals = signalCountsOf(row);
    return {
      pipeline: row.pipeline,
      userId: row.userId,
      events: Number(row.events),
      playTimeMs: Number(row.playTimeMs ?? 0),
      signals,
    };
  });
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
