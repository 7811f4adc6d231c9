import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { SqliteWorker } from './sqlite-worker.js';

export interface SqliteReaderOptions {
  path: string;
  busyTimeoutMs: number;
  /** SQLite's page cache of the worker's connection, in KiB. */
  pageCacheKb: number;
}

/**
 * A read-only connection to a SQLite file in a worker thread, for the long
 * reads (the experiment report's aggregates, event-log pages for training and
 * the dashboard): better-sqlite3 runs a query to its end on the calling
 * thread, so a 200 ms aggregate on the server's connection stalls every
 * request in flight. Queries are compiled by the query builder on the main
 * thread, run here one at a time (each SQL text prepared once), and answered
 * with their rows. In WAL mode the worker reads the last committed state, the
 * same any query on the main connection would see outside a transaction.
 *
 * The worker starts on the first query and keeps the process alive only while
 * one is pending.
 */
export class SqliteReader {
  readonly #worker: SqliteWorker;

  constructor(options: SqliteReaderOptions) {
    this.#worker = new SqliteWorker({
      role: 'reader',
      path: options.path,
      source: READER_SOURCE,
      workerData: {
        path: options.path,
        busyTimeoutMs: options.busyTimeoutMs,
        pageCacheKb: options.pageCacheKb,
      },
      afterFailure: 'restart',
      failure: (reply) => new Error(`Cannot read ${options.path}: ${reply.error}`),
    });
  }

  async query(sql: string, parameters: readonly unknown[]): Promise<unknown[]> {
    const reply = await this.#worker.request({ sql, parameters });
    return (reply.rows as unknown[] | undefined) ?? [];
  }

  close(): Promise<void> {
    return this.#worker.close();
  }
}

/**
 * A query builder over the reader: `SELECT`s only (no transactions); what it
 * compiles is SQLite's dialect, so a query reads the same on either connection.
 */
export function readerDialect(reader: SqliteReader): Dialect {
  const connection: DatabaseConnection = {
    async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
      return { rows: (await reader.query(compiled.sql, compiled.parameters)) as R[] };
    },
    // biome-ignore lint/correctness/useYield: streaming is refused, not implemented
    async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
      throw new Error('The SQLite reader does not stream: page with a keyset instead');
    },
  };
  const noTransactions = () => Promise.reject(new Error('The SQLite reader runs no transactions'));
  const driver: Driver = {
    init: async () => {},
    acquireConnection: async () => connection,
    beginTransaction: noTransactions,
    commitTransaction: noTransactions,
    rollbackTransaction: noTransactions,
    releaseConnection: async () => {},
    destroy: () => reader.close(),
  };
  return {
    createDriver: () => driver,
    createQueryCompiler: () => new SqliteQueryCompiler(),
    createAdapter: () => new SqliteAdapter(),
    createIntrospector: (db: Kysely<unknown>) => new SqliteIntrospector(db),
  };
}

/** The worker: CommonJS evaluated in a worker thread (as `SqliteWriter`'s). */
const READER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { readonly: true });
db.pragma('busy_timeout = ' + Number(workerData.busyTimeoutMs));
db.pragma('cache_size = -' + Number(workerData.pageCacheKb));
const prepared = new Map();
parentPort.on('message', ({ id, sql, parameters }) => {
  try {
    let statement = prepared.get(sql);
    if (statement === undefined) {
      if (prepared.size >= 256) prepared.clear();
      statement = db.prepare(sql);
      if (!statement.reader) throw new Error('not a read: ' + sql.slice(0, 60));
      prepared.set(sql, statement);
    }
    parentPort.postMessage({ id, rows: statement.all(parameters) });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  }
});
`;
