import { type InsertObject, type OnConflictBuilder, sql, type Transaction } from 'kysely';
import { insertBatches } from './insert-batches.js';
import type { Database } from './schema.js';

type KeyedById = 'items' | 'users' | 'events';

type ReplaceSet<T extends KeyedById> = Parameters<OnConflictBuilder<Database, T>['doUpdateSet']>[0];

/**
 * Inserts rows in statements of bounded size, a row whose id is stored
 * replacing it: `SET column = excluded.column` for every column of the rows
 * but the id (each row mapping gives every column, so that is the whole row).
 */
export async function upsertBatches<T extends KeyedById>(
  trx: Transaction<Database>,
  table: T,
  rows: readonly (InsertObject<Database, T> & Database[T])[],
): Promise<void> {
  const first = rows[0];
  if (first === undefined) return;
  const replace = Object.fromEntries(
    Object.keys(first)
      .filter((column) => column !== 'id')
      .map((column) => [column, sql.ref(`excluded.${column}`)]),
  ) as ReplaceSet<T>;
  await insertBatches(trx, table, {
    rows,
    onConflict: (conflict) => conflict.column('id').doUpdateSet(replace),
  });
}
