import type { Logger } from '../core/index.js';
import type { ImpressionsTable, RequestsTable } from './schema.js';
import { SqliteWorker } from './sqlite-worker.js';

/** One group commit's rows: the requests and their impressions. */
export interface FeedRows {
  requests: RequestsTable[];
  impressions: ImpressionsTable[];
  /**
   * Claimed feeds (`Store.claimFeed`): request id -> the no-repeat window's
   * start. Such a feed is logged only if none of its items was shown to its
   * user since then by another feed (one logged before, in this transaction
   * or an earlier one).
   */
  claims?: ReadonlyMap<string, number>;
}

/** The claimed feeds a group commit refused: request id -> the items their user was shown in the window, sorted. */
export type RefusedClaims = Map<string, string[]>;

/** One statement compiled by the query builder (`Compilable.compile()`), run by the writer. */
export interface CompiledStatement {
  sql: string;
  parameters: readonly unknown[];
}

/**
 * Commits writes in transactions of their own, off the query builder's
 * connection (SQLite: `SqliteWriter`, a worker thread, so the fsync does
 * not hold the event loop); each call resolves after its transaction
 * committed.
 */
export interface StoreWriter {
  /** Logs the rows in one transaction, claimed feeds only if they repeat nothing (as `refusedClaims`). */
  writeFeeds(rows: FeedRows): Promise<RefusedClaims>;
  /** Runs the statements in order in one transaction. */
  execute(statements: readonly CompiledStatement[]): Promise<void>;
  close(): Promise<void>;
}

export interface SqliteWriterOptions {
  path: string;
  /** For the event log's writes (`execute`). */
  synchronous: 'full' | 'normal';
  /** For the feed log's writes (`writeFeeds`). */
  feedLogSynchronous: 'full' | 'normal';
  busyTimeoutMs: number;
  /** SQLite's page cache of the worker's connection, in KiB. */
  pageCacheKb: number;
  /** Warned of each transaction that took longer than `SLOW_COMMIT_MS` in the worker (lock wait included). */
  logger?: Pick<Logger, 'warn'>;
}

/** A write slower than this is worth a warning: every feed and ingest call behind it waits. */
const SLOW_COMMIT_MS = 1000;

/**
 * Writes events and served feeds to a SQLite file from a worker thread with
 * its own connection. better-sqlite3 is synchronous, so a commit on the
 * server's connection holds the event loop for the whole fsync (7 ms median,
 * 29 ms p99 on the shared machine), stalling every request in flight; here
 * the fsync blocks only the worker. The worker writes one transaction at a
 * time (the callers batch them with `GroupCommit`) and answers after COMMIT
 * returned, i.e. after the WAL was fsynced when `synchronous` is `full`.
 * WAL mode lets the server's connection keep reading meanwhile; a write on
 * the server's connection waits for the worker's lock (busy timeout) and
 * vice versa, neither blocks the other's thread for longer than one commit.
 *
 * The worker starts on the first write (commands that never log feeds never
 * start it) and keeps the process alive only while a write is pending.
 */
export class SqliteWriter implements StoreWriter {
  readonly #worker: SqliteWorker;

  constructor(options: SqliteWriterOptions) {
    this.#worker = new SqliteWorker({
      role: 'writer',
      path: options.path,
      source: WORKER_SOURCE,
      workerData: {
        path: options.path,
        synchronous: options.synchronous,
        feedLogSynchronous: options.feedLogSynchronous,
        busyTimeoutMs: options.busyTimeoutMs,
        pageCacheKb: options.pageCacheKb,
        slowCommitMs: SLOW_COMMIT_MS,
      },
      afterFailure: 'refuse',
      failure: (reply) =>
        Object.assign(new Error(`Cannot write to ${options.path}: ${reply.error}`), { code: reply.code }),
      onReply: (reply) => {
        const slow = reply.slow as { ms: number; kind: string; walBytes: number } | undefined;
        if (slow === undefined) return;
        options.logger?.warn(
          `SQLite ${slow.kind} write took ${Math.round(slow.ms)} ms in ${options.path} (WAL ${(slow.walBytes / 2 ** 20).toFixed(1)} MiB)`,
        );
      },
    });
  }

  async writeFeeds(rows: FeedRows): Promise<RefusedClaims> {
    const reply = await this.#worker.request({ kind: 'feeds', ...rows });
    return (reply.refused as RefusedClaims | undefined) ?? new Map();
  }

  async execute(statements: readonly CompiledStatement[]): Promise<void> {
    if (statements.length === 0) return;
    await this.#worker.request({ kind: 'statements', statements });
  }

  /** Stops the worker (after the writes already sent answered: callers await their writes first). */
  close(): Promise<void> {
    return this.#worker.close();
  }
}

/**
 * The worker: CommonJS evaluated in a worker thread (no file to resolve in
 * both the sources and the build). Compiled statements run as sent, each
 * prepared once. Feeds use the same statements as `SqlFeeds.insertFeeds`
 * (an id already stored is left as it is). `BEGIN IMMEDIATE` takes the
 * file's write lock before the no-repeat check reads, so a claim is checked
 * and logged atomically against every other connection to the file (other
 * processes included); the feeds of a batch are checked in order, each
 * seeing the ones logged before it.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('journal_mode = WAL');
db.pragma('busy_timeout = ' + Number(workerData.busyTimeoutMs));
db.pragma('cache_size = -' + Number(workerData.pageCacheKb));
// The level for the next transaction (a pragma between transactions, one string compare when unchanged).
let level;
function synchronous(wanted) {
  if (wanted !== level) db.pragma('synchronous = ' + wanted.toUpperCase());
  level = wanted;
}
const prepared = new Map();
function statement(sql) {
  let found = prepared.get(sql);
  if (found === undefined) {
    if (prepared.size >= 256) prepared.clear();
    found = db.prepare(sql);
    prepared.set(sql, found);
  }
  return found;
}
const execute = db.transaction((statements) => {
  for (const { sql, parameters } of statements) statement(sql).run(parameters);
});
const insertRequest = db.prepare(
  'INSERT INTO requests (id, user_id, pipeline, experiment, time, item_count, latency_ms, cpu_ms, stages) ' +
  'VALUES (@id, @user_id, @pipeline, @experiment, @time, @item_count, @latency_ms, @cpu_ms, @stages) ' +
  'ON CONFLICT (id) DO NOTHING');
const insertImpression = db.prepare(
  'INSERT INTO impressions (request_id, position, user_id, item_id, pipeline, experiment, time, score) ' +
  'VALUES (@request_id, @position, @user_id, @item_id, @pipeline, @experiment, @time, @score) ' +
  'ON CONFLICT (request_id, position) DO NOTHING');
// Whether any of the claimed items (a JSON array) was shown: usually not, and then nothing more is read.
const repeats = db.prepare(
  'SELECT 1 FROM impressions WHERE user_id = ? AND time >= ? AND request_id <> ? ' +
  'AND item_id IN (SELECT value FROM json_each(?)) LIMIT 1'
).pluck();
const shownSince = db.prepare(
  'SELECT DISTINCT item_id FROM impressions WHERE user_id = ? AND time >= ? AND request_id <> ?'
).pluck();
const write = db.transaction((requests, impressions, claims) => {
  const byRequest = new Map();
  for (const row of impressions) {
    if (!byRequest.has(row.request_id)) byRequest.set(row.request_id, []);
    byRequest.get(row.request_id).push(row);
  }
  const refused = new Map();
  for (const request of requests) {
    const rows = byRequest.get(request.id) || [];
    const since = claims && claims.get(request.id);
    if (since !== undefined) {
      const items = JSON.stringify(rows.map((row) => row.item_id));
      if (repeats.get(request.user_id, since, request.id, items) !== undefined) {
        refused.set(request.id, shownSince.all(request.user_id, since, request.id).sort());
        continue;
      }
    }
    insertRequest.run(request);
    for (const row of rows) insertImpression.run(row);
  }
  return refused;
});
const { statSync } = require('node:fs');
// A slow write's duration and the WAL's size then (a WAL that never resets makes commits and checkpoints slow).
function slowness(kind, started) {
  const ms = performance.now() - started;
  if (ms < workerData.slowCommitMs) return undefined;
  let walBytes = 0;
  try { walBytes = statSync(workerData.path + '-wal').size; } catch {}
  return { ms, kind, walBytes };
}
parentPort.on('message', (message) => {
  const started = performance.now();
  try {
    if (message.kind === 'statements') {
      synchronous(workerData.synchronous);
      execute.immediate(message.statements);
      parentPort.postMessage({ id: message.id, slow: slowness('ingest', started) });
      return;
    }
    synchronous(workerData.feedLogSynchronous);
    const refused = write.immediate(message.requests, message.impressions, message.claims);
    parentPort.postMessage({ id: message.id, refused, slow: slowness('feed log', started) });
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: String(error && error.message || error), code: error && error.code });
  }
});
`;
