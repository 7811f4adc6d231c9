import {
  type InsertObject,
  type InsertQueryBuilder,
  type InsertResult,
  type Kysely,
  type OnConflictBuilder,
  sql,
  type Transaction,
} from 'kysely';
import { insertBatches, insertStatements } from './insert-batches.js';
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
  if (rows.length === 0) return;
  await insertBatches(trx, table, { rows, onConflict: replaceById(rows) });
}

/** `upsertBatches` as statements, to run elsewhere (a `StoreWriter`). */
export function upsertStatements<T extends KeyedById>(
  db: Kysely<Database>,
  table: T,
  rows: readonly (InsertObject<Database, T> & Database[T])[],
): InsertQueryBuilder<Database, T, InsertResult>[] {
  if (rows.length === 0) return [];
  return insertStatements(db, table, { rows, onConflict: replaceById(rows) });
}

function replaceById<T extends KeyedById>(
  rows: readonly (InsertObject<Database, T> & Database[T])[],
): Parameters<InsertQueryBuilder<Database, T, InsertResult>['onConflict']>[0] {
  const replace = Object.fromEntries(
    Object.keys(rows[0]!)
      .filter((column) => column !== 'id')
      .map((column) => [column, sql.ref(`excluded.${column}`)]),
  ) as ReplaceSet<T>;
  return (conflict) => conflict.column('id').doUpdateSet(replace);
}
