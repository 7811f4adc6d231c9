import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDialectConfig } from 'kysely';
import type { Logger } from '../core/index.js';
import { migrateToLatest } from './migrations.js';
import type { Database } from './schema.js';
import { SqlStore } from './sql-store.js';
import { readerDialect, SqliteReader } from './sqlite-reader.js';
import { SqliteWriter } from './sqlite-writer.js';
import type { FeedContext, Store } from './store.js';
import { StoreUnavailableError } from './store-unavailable-error.js';

export interface SqliteStoreOptions {
  /** The database file (created with its folder if missing), or `:memory:` (tests). */
  path: string;
  /**
   * `full` (default): every commit is fsynced before a write resolves, so an
   * acknowledged write survives a crash of the process and of the machine.
   * `normal`: in WAL mode, commits survive a crash of the process (kill -9)
   * but the last ones may roll back on power loss; several times faster for
   * many small writes.
   */
  synchronous?: 'full' | 'normal';
  /**
   * The same for served-feed logs (`insertFeeds`) alone (default:
   * `synchronous`). A file store commits both events and feed logs from a
   * worker thread, in group commits.
   */
  feedLogSynchronous?: 'full' | 'normal';
  /** Warned of a commit that held the writer longer than a second (with the WAL's size). */
  logger?: Pick<Logger, 'warn'>;
  /** How long a write waits for another process's lock before failing (default 5000 ms). */
  busyTimeoutMs?: number;
  /**
   * SQLite's page cache per connection, in MB (default 4; the store holds
   * three: queries, the reader thread, the writer thread). It fills as reads
   * touch pages, so it bounds how much resident memory grows with the log:
   * better-sqlite3's own default is 16 MB each. Pages past it come from the
   * operating system's file cache.
   */
  pageCacheMb?: number;
  now?: () => number;
}

/** `pageCacheMb` when unset: about the hot pages of a feed's reads, far below a log's size. */
export const DEFAULT_PAGE_CACHE_MB = 4;

/**
 * The embedded default: one SQLite file through better-sqlite3, in WAL mode
 * (readers never block the writer, a commit appends to the log instead of
 * rewriting pages), migrated to the latest schema on open.
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const inMemory = options.path === ':memory:' || options.path === '';
  const pageCacheKb = pageCacheKbOf(options.pageCacheMb);
  let database: BetterSqlite3.Database;
  try {
    if (!inMemory) mkdirSync(dirname(options.path), { recursive: true });
    database = new BetterSqlite3(options.path);
  } catch (error) {
    throw unavailable(options.path, error);
  }
  try {
    if (!inMemory) database.pragma('journal_mode = WAL');
    database.pragma(`synchronous = ${(options.synchronous ?? 'full').toUpperCase()}`);
    database.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    database.pragma(`cache_size = -${pageCacheKb}`);
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: reusingStatements(database) }),
    });
    await migrateToLatest(db);
    return new SqlStore({
      db,
      backend: 'sqlite',
      location: inMemory ? ':memory:' : options.path,
      fastFeedContext: feedContextStatements(database),
      // `:memory:` is private to its connection: reads and writes go through the query builder there.
      ...(!inMemory && {
        reads: new Kysely<Database>({
          dialect: readerDialect(
            new SqliteReader({
              path: options.path,
              busyTimeoutMs: options.busyTimeoutMs ?? 5000,
              pageCacheKb,
            }),
          ),
        }),
        writer: new SqliteWriter({
          path: options.path,
          synchronous: options.synchronous ?? 'full',
          feedLogSynchronous: options.feedLogSynchronous ?? options.synchronous ?? 'full',
          busyTimeoutMs: options.busyTimeoutMs ?? 5000,
          pageCacheKb,
          ...(options.logger && { logger: options.logger }),
        }),
      }),
      ...(options.now && { now: options.now }),
    });
  } catch (error) {
    database.close();
    throw unavailable(options.path, error);
  }
}

/** `pageCacheMb` in KiB (SQLite's `cache_size = -KiB`), refused unless a positive finite number. */
function pageCacheKbOf(megabytes = DEFAULT_PAGE_CACHE_MB): number {
  if (!Number.isFinite(megabytes) || megabytes <= 0) {
    throw new RangeError(
      `SQLite store: pageCacheMb must be a positive number of megabytes (got ${megabytes})`,
    );
  }
  return Math.max(1, Math.round(megabytes * 1024));
}

/** Statements prepared by the query builder's connection, kept by SQL text. */
const STATEMENT_CACHE = 256;

/**
 * The connection as the query builder sees it, preparing each SQL text once:
 * Kysely's SQLite driver prepares every query it runs (a parse and plan per
 * request on the serving path). One connection runs one query at a time
 * (the driver's mutex), so a cached statement is never in use twice.
 */
function reusingStatements(database: BetterSqlite3.Database): SqliteDialectConfig['database'] {
  const prepared = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sql: string) {
      let statement = prepared.get(sql);
      if (statement === undefined) {
        // Each IN (?, ?, ...) length is its own text: a full cache starts over rather than grow.
        if (prepared.size >= STATEMENT_CACHE) prepared.clear();
        statement = database.prepare(sql);
        prepared.set(sql, statement);
      }
      return statement;
    },
    close: () => database.close(),
  };
}

/**
 * `feedContext` as two prepared statements on the store's connection. While
 * the query builder holds a transaction open on it (across awaits) a read
 * here would see that transaction's uncommitted rows, so it declines and the
 * caller queues behind the transaction instead.
 */
function feedContextStatements(
  database: BetterSqlite3.Database,
): (userId: string, historyLength: number, since: number) => FeedContext | undefined {
  const history = database
    .prepare('SELECT item_id FROM events WHERE user_id = ? ORDER BY time DESC, id DESC LIMIT ?')
    .pluck();
  const shown = database
    .prepare(
      'SELECT item_id FROM impressions WHERE user_id = ? AND time >= ? UNION SELECT item_id FROM events WHERE user_id = ? AND time >= ?',
    )
    .pluck();
  return (userId, historyLength, since) => {
    if (database.inTransaction) return undefined;
    return {
      history: history.all(userId, historyLength) as string[],
      shown: (shown.all(userId, since, userId, since) as string[]).sort(),
    };
  };
}

function unavailable(path: string, error: unknown): StoreUnavailableError {
  const problem = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`Cannot open the SQLite database ${path}: ${problem}`, { cause: error });
}
