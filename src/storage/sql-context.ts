import type { StoreDatabase } from './schema.js';
import type { WriteQueue } from './write-queue.js';

/** What every aggregate of `SqlStore` shares: one database handle, one queue of writes, one clock. */
export interface SqlContext {
  db: StoreDatabase;
  writes: WriteQueue;
  /** The clock for `updatedAt` / `createdAt` (tests fix it). */
  now: () => number;
}
