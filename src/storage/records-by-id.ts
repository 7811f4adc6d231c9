import type { InsertObject } from 'kysely';
import { lastById } from './last-by-id.js';
import type { Database, StoreDatabase } from './schema.js';
import type { SqlContext } from './sql-context.js';
import { inLists } from './statement-batches.js';
import { upsertBatches } from './upsert-batches.js';

export interface RecordsByIdOptions<Table extends 'items' | 'users', Input, Output> {
  table: Table;
  /** The row stored for an input written at `now`. */
  row: (input: Input, now: number) => InsertObject<Database, Table> & Database[Table];
  record: (row: Database[Table]) => Output;
  /** The stored rows of `ids`, in any order (the query builder cannot type a `where` on a generic table). */
  select: (db: StoreDatabase, ids: string[]) => Promise<Database[Table][]>;
}

/** A table of records keyed by id (items, users): upserted by id, read by ids in the order asked. */
export class RecordsById<Table extends 'items' | 'users', Input extends { id: string }, Output> {
  readonly #context: SqlContext;
  readonly #options: RecordsByIdOptions<Table, Input, Output>;

  constructor(context: SqlContext, options: RecordsByIdOptions<Table, Input, Output>) {
    this.#context = context;
    this.#options = options;
  }

  /** Inserts or replaces the records, all in one transaction. */
  async upsert(inputs: readonly Input[]): Promise<void> {
    if (inputs.length === 0) return;
    const now = this.#context.now();
    const rows = lastById(inputs).map((input) => this.#options.row(input, now));
    await this.#context.writes.transaction((trx) => upsertBatches(trx, this.#options.table, rows));
  }

  /** The records of `ids` that exist, in the order of `ids`. */
  async get(ids: readonly string[]): Promise<Output[]> {
    const found = new Map<string, Output>();
    for (const batch of inLists([...new Set(ids)])) {
      for (const row of await this.#options.select(this.#context.db, batch)) {
        found.set(row.id, this.#options.record(row));
      }
    }
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  async getOne(id: string): Promise<Output | undefined> {
    return (await this.get([id]))[0];
  }
}
