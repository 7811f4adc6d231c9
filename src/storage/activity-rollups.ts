import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from 'kysely';
import { binarySignalColumns } from './signal-columns.js';

// biome-ignore lint/suspicious/noExplicitAny: migrations see the schema of their time, untyped
type AnyDatabase = Kysely<any>;

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

const signalColumns = binarySignalColumns.map(([, column]) => column);

/**
 * The dashboard's rollups (migration 0006): events per (item, hour), active
 * users per day, and requests and attributed events per (day, experiment,
 * pipeline, user). Triggers keep them in the transaction that writes the log,
 * on both backends, whatever the writer (ingest, import, a replaced event),
 * so the overview and the experiment report read rows that grow with items x
 * hours and users x days, not with the events (docs/soak.md, session 11).
 */
export async function createActivityRollups(db: AnyDatabase): Promise<void> {
  // biome-ignore lint/suspicious/noExplicitAny: a table builder of the untyped schema
  const signals = (table: any): any =>
    signalColumns.reduce(
      (builder, column) =>
        builder.addColumn(column, 'bigint', (c: ColumnDefinitionBuilder) => c.notNull().defaultTo(0)),
      table,
    );
  await signals(
    db.schema
      .createTable('item_hour_stats')
      .addColumn('hour', 'bigint', (c) => c.notNull())
      .addColumn('item_id', 'text', (c) => c.notNull())
      .addColumn('events', 'bigint', (c) => c.notNull())
      .addColumn('play_time_ms', 'double precision', (c) => c.notNull()),
  )
    .addPrimaryKeyConstraint('item_hour_stats_pk', ['hour', 'item_id'])
    .execute();
  await db.schema
    .createTable('active_user_days')
    .addColumn('day', 'bigint', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('events', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('active_user_days_pk', ['day', 'user_id'])
    .execute();
  await signals(
    db.schema
      .createTable('pipeline_user_days')
      .addColumn('day', 'bigint', (c) => c.notNull())
      .addColumn('experiment', 'text', (c) => c.notNull())
      .addColumn('pipeline', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('requests', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('impressions', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('latency_ms', 'double precision', (c) => c.notNull().defaultTo(0))
      .addColumn('cpu_ms', 'double precision', (c) => c.notNull().defaultTo(0))
      .addColumn('events', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('play_time_ms', 'double precision', (c) => c.notNull().defaultTo(0)),
  )
    .addPrimaryKeyConstraint('pipeline_user_days_pk', ['day', 'experiment', 'pipeline', 'user_id'])
    .execute();

  // The log so far, once: the same sums the triggers add row by row.
  for (const statement of backfill()) await sql.raw(statement).execute(db);

  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    for (const statement of postgresTriggers()) await sql.raw(statement).execute(db);
  } else {
    for (const statement of sqliteTriggers()) await sql.raw(statement).execute(db);
  }
}

const signalList = signalColumns.join(', ');
const addSignals = (table: string) =>
  signalColumns.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ');

/** Upserts adding `sign` times one row of `events` (`NEW` or `OLD`) to the rollups. */
function eventUpserts(row: 'NEW' | 'OLD', sign: 1 | -1): string[] {
  const value = (expression: string) => (sign === 1 ? expression : `-(${expression})`);
  const rowSignals = signalColumns.map((c) => value(`coalesce(${row}.${c}, 0)`)).join(', ');
  return [
    `INSERT INTO item_hour_stats (hour, item_id, events, play_time_ms, ${signalList})
     SELECT ${row}.time / ${HOUR_MS}, ${row}.item_id, ${sign}, ${value(`coalesce(${row}.play_time_ms, 0)`)}, ${rowSignals}
     WHERE true
     ON CONFLICT (hour, item_id) DO UPDATE SET events = item_hour_stats.events + excluded.events,
       play_time_ms = item_hour_stats.play_time_ms + excluded.play_time_ms, ${addSignals('item_hour_stats')}`,
    `INSERT INTO active_user_days (day, user_id, events)
     SELECT ${row}.time / ${DAY_MS}, ${row}.user_id, ${sign}
     WHERE true
     ON CONFLICT (day, user_id) DO UPDATE SET events = active_user_days.events + excluded.events`,
    `INSERT INTO pipeline_user_days (day, experiment, pipeline, user_id, events, play_time_ms, ${signalList})
     SELECT ${row}.time / ${DAY_MS}, coalesce(${row}.experiment, ''), ${row}.pipeline, ${row}.user_id, ${sign},
       ${value(`coalesce(${row}.play_time_ms, 0)`)}, ${rowSignals}
     WHERE ${row}.pipeline IS NOT NULL
     ON CONFLICT (day, experiment, pipeline, user_id) DO UPDATE SET events = pipeline_user_days.events + excluded.events,
       play_time_ms = pipeline_user_days.play_time_ms + excluded.play_time_ms, ${addSignals('pipeline_user_days')}`,
  ];
}

/** The upsert adding `sign` times one row of `requests` to the per-user rollup. */
function requestUpsert(row: 'NEW' | 'OLD', sign: 1 | -1): string {
  const value = (expression: string) => (sign === 1 ? expression : `-(${expression})`);
  return `INSERT INTO pipeline_user_days (day, experiment, pipeline, user_id, requests, impressions, latency_ms, cpu_ms)
     SELECT ${row}.time / ${DAY_MS}, coalesce(${row}.experiment, ''), ${row}.pipeline, ${row}.user_id, ${sign},
       ${value(`${row}.item_count`)}, ${value(`coalesce(${row}.latency_ms, 0)`)}, ${value(`coalesce(${row}.cpu_ms, 0)`)}
     WHERE true
     ON CONFLICT (day, experiment, pipeline, user_id) DO UPDATE SET requests = pipeline_user_days.requests + excluded.requests,
       impressions = pipeline_user_days.impressions + excluded.impressions,
       latency_ms = pipeline_user_days.latency_ms + excluded.latency_ms,
       cpu_ms = pipeline_user_days.cpu_ms + excluded.cpu_ms`;
}

function backfill(): string[] {
  const sums = signalColumns.map((c) => `sum(coalesce(${c}, 0))`).join(', ');
  return [
    `INSERT INTO item_hour_stats (hour, item_id, events, play_time_ms, ${signalList})
     SELECT time / ${HOUR_MS}, item_id, count(*), sum(coalesce(play_time_ms, 0)), ${sums}
     FROM events GROUP BY time / ${HOUR_MS}, item_id`,
    `INSERT INTO active_user_days (day, user_id, events)
     SELECT time / ${DAY_MS}, user_id, count(*) FROM events GROUP BY time / ${DAY_MS}, user_id`,
    `INSERT INTO pipeline_user_days (day, experiment, pipeline, user_id, requests, impressions, latency_ms, cpu_ms)
     SELECT time / ${DAY_MS}, coalesce(experiment, ''), pipeline, user_id, count(*), sum(item_count),
       sum(coalesce(latency_ms, 0)), sum(coalesce(cpu_ms, 0))
     FROM requests GROUP BY time / ${DAY_MS}, coalesce(experiment, ''), pipeline, user_id`,
    `INSERT INTO pipeline_user_days (day, experiment, pipeline, user_id, events, play_time_ms, ${signalList})
     SELECT time / ${DAY_MS}, coalesce(experiment, ''), pipeline, user_id, count(*), sum(coalesce(play_time_ms, 0)), ${sums}
     FROM events WHERE pipeline IS NOT NULL
     GROUP BY time / ${DAY_MS}, coalesce(experiment, ''), pipeline, user_id
     ON CONFLICT (day, experiment, pipeline, user_id) DO UPDATE SET events = excluded.events,
       play_time_ms = excluded.play_time_ms, ${signalColumns.map((c) => `${c} = excluded.${c}`).join(', ')}`,
  ];
}

function sqliteTriggers(): string[] {
  const body = (statements: string[]) => statements.map((statement) => `${statement};`).join('\n');
  return [
    `CREATE TRIGGER events_rollup_insert AFTER INSERT ON events BEGIN ${body(eventUpserts('NEW', 1))} END`,
    `CREATE TRIGGER events_rollup_update AFTER UPDATE ON events BEGIN
       ${body([...eventUpserts('OLD', -1), ...eventUpserts('NEW', 1)])} END`,
    `CREATE TRIGGER events_rollup_delete AFTER DELETE ON events BEGIN ${body(eventUpserts('OLD', -1))} END`,
    `CREATE TRIGGER requests_rollup_insert AFTER INSERT ON requests BEGIN ${requestUpsert('NEW', 1)}; END`,
    `CREATE TRIGGER requests_rollup_update AFTER UPDATE ON requests BEGIN
       ${requestUpsert('OLD', -1)}; ${requestUpsert('NEW', 1)}; END`,
    `CREATE TRIGGER requests_rollup_delete AFTER DELETE ON requests BEGIN ${requestUpsert('OLD', -1)}; END`,
  ];
}

/**
 * PL/pgSQL row triggers. Tables are named unqualified: a store in its own
 * schema runs with that schema on its `search_path`, and so do its triggers.
 */
function postgresTriggers(): string[] {
  const body = (statements: string[]) => statements.map((statement) => `${statement};`).join('\n');
  const fn = (name: string, insert: string, remove: string) =>
    `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $rollup$
     BEGIN
       IF TG_OP IN ('UPDATE', 'DELETE') THEN ${remove} END IF;
       IF TG_OP IN ('INSERT', 'UPDATE') THEN ${insert} END IF;
       RETURN NULL;
     END $rollup$`;
  return [
    fn('genfeed_events_rollup', body(eventUpserts('NEW', 1)), body(eventUpserts('OLD', -1))),
    'CREATE TRIGGER events_rollup AFTER INSERT OR UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION genfeed_events_rollup()',
    fn('genfeed_requests_rollup', `${requestUpsert('NEW', 1)};`, `${requestUpsert('OLD', -1)};`),
    'CREATE TRIGGER requests_rollup AFTER INSERT OR UPDATE OR DELETE ON requests FOR EACH ROW EXECUTE FUNCTION genfeed_requests_rollup()',
  ];
}
