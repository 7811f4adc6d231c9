import type { StoreDatabase } from './schema.js';
import type { WriteQueue } from './write-queue.js';

/** What every aggregate of `SqlStore` shares: one database handle, one queue of writes, one clock. */
export interface SqlContext {
  db: StoreDatabase;
  /**
   * Where the long reads run (event-log pages, popularity, the experiment
   * report): `db` itself, or a read-only connection off the event loop
   * (SQLite file: `SqliteReader`). Sees what `db` committed.
   */
  reads: StoreDatabase;
  writes: WriteQueue;
  /** The clock for `updatedAt` / `createdAt` (tests fix it). */
  now: () => number;
}
