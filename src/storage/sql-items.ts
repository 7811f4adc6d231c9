import { sql } from 'kysely';
import { decodeCursor, page } from './page-cursor.js';
import { pageSize } from './page-size.js';
import type { ItemInput, ItemRecord } from './records.js';
import { RecordsById } from './records-by-id.js';
import { itemRecord, itemRow } from './row-mapping.js';
import type { SqlContext } from './sql-context.js';
import { batches } from './statement-batches.js';
import type { ListItemsOptions, Page, Store } from './store.js';

/** The catalogue: items by id, in pages, with their hidden flag and semantic IDs. */
export class SqlItems
  extends RecordsById<'items', ItemInput, ItemRecord>
  implements Pick<Store, 'listItems' | 'setItemsHidden' | 'setSemanticIds'>
{
  readonly #context: SqlContext;

  constructor(context: SqlContext) {
    super(context, {
      table: 'items',
      row: itemRow,
      record: itemRecord,
      select: (db, ids) => db.selectFrom('items').selectAll().where('id', 'in', ids).execute(),
    });
    this.#context = context;
  }

  async listItems(options: ListItemsOptions = {}): Promise<Page<ItemRecord>> {
    const limit = pageSize(options.limit, 100, 10_000);
    let query = this.#context.db.selectFrom('items').selectAll();
    if (options.hidden !== undefined) query = query.where('hidden', '=', options.hidden ? 1 : 0);
    if (options.uploadedAfter !== undefined) query = query.where('upload_time', '>', options.uploadedAfter);
    if (options.order === 'newest') {
      // Items without an upload time sort as -1: after every real time.
      const uploaded = sql<number>`coalesce(upload_time, -1)`;
      if (options.cursor !== undefined) {
        const [time, id] = decodeCursor(options.cursor, ['number', 'string'] as const);
        query = query.where((eb) =>
          eb.or([eb(uploaded, '<', time), eb.and([eb(uploaded, '=', time), eb('id', '>', id)])]),
        );
      }
      const rows = await query.orderBy(uploaded, 'desc').orderBy('id').limit(limit).execute();
      return page(rows.map(itemRecord), limit, (item) => [item.uploadTime ?? -1, item.id]);
    }
    if (options.cursor !== undefined) {
      const [id] = decodeCursor(options.cursor, ['string'] as const);
      query = query.where('id', '>', id);
    }
    const rows = await query.orderBy('id').limit(limit).execute();
    return page(rows.map(itemRecord), limit, (item) => [item.id]);
  }

  async setItemsHidden(ids: readonly string[], hidden: boolean): Promise<number> {
    const now = this.#context.now();
    return this.#context.writes.transaction(async (trx) => {
      let updated = 0;
      for (const batch of batches([...new Set(ids)], 1)) {
        const result = await trx
          .updateTable('items')
          .set({ hidden: hidden ? 1 : 0, updated_at: now })
          .where('id', 'in', batch)
          .executeTakeFirst();
        updated += Number(result.numUpdatedRows);
      }
      return updated;
    });
  }

  async setSemanticIds(semanticIds: ReadonlyMap<string, readonly number[]>): Promise<number> {
    const now = this.#context.now();
    return this.#context.writes.transaction(async (trx) => {
      let updated = 0;
      for (const [id, semanticId] of semanticIds) {
        const result = await trx
          .updateTable('items')
          .set({ semantic_id: JSON.stringify(semanticId), updated_at: now })
          .where('id', '=', id)
          .executeTakeFirst();
        updated += Number(result.numUpdatedRows);
      }
      return updated;
    });
  }
}
