import type { Transaction } from 'kysely';
import { retryOnDeadlock } from './retry-on-deadlock.js';
import type { Database, StoreDatabase } from './schema.js';

/**
 * Write transactions take turns (FIFO), with each other and with the feed
 * log's: on SQLite the query builder's transactions span several awaits
 * holding the file's write lock, and a worker polling for that lock
 * (busy timeout) could be starved by back-to-back ingest batches.
 */
export class WriteQueue {
  readonly #db: StoreDatabase;
  #turn: Promise<unknown> = Promise.resolve();

  constructor(db: StoreDatabase) {
    this.#db = db;
  }

  /** Runs `write` once every write queued before it settled. */
  exclusive<T>(write: () => Promise<T>): Promise<T> {
    const run = this.#turn.then(write, write);
    this.#turn = run.catch(() => undefined);
    return run;
  }

  /** A transaction after the writes queued before it; run again if PostgreSQL broke a deadlock with it. */
  transaction<T>(body: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.exclusive(() => retryOnDeadlock(() => this.#db.transaction().execute(body)));
  }
}
