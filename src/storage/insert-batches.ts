import type { InsertObject, InsertQueryBuilder, InsertResult, Kysely } from 'kysely';
import type { Database } from './schema.js';
import { batches } from './statement-batches.js';

export interface InsertBatchesOptions<T extends keyof Database> {
  rows: readonly InsertObject<Database, T>[];
  /** What a row whose key is already stored does: update it, or nothing. */
  onConflict: Parameters<InsertQueryBuilder<Database, T, InsertResult>['onConflict']>[0];
}

/** The statements inserting rows into `table`, each of bounded size (`batches`). */
export function insertStatements<T extends keyof Database>(
  db: Kysely<Database>,
  table: T,
  options: InsertBatchesOptions<T>,
): InsertQueryBuilder<Database, T, InsertResult>[] {
  return [...batches(options.rows)].map((batch) =>
    db.insertInto(table).values(batch).onConflict(options.onConflict),
  );
}

/** Inserts rows into `table` in statements of bounded size (`batches`), all in `trx` (a transaction). */
export async function insertBatches<T extends keyof Database>(
  trx: Kysely<Database>,
  table: T,
  options: InsertBatchesOptions<T>,
): Promise<void> {
  for (const statement of insertStatements(trx, table, options)) await statement.execute();
}
