import { insertBatches } from './insert-batches.js';
import { lastById } from './last-by-id.js';
import { decodeCursor, page } from './page-cursor.js';
import { pageSize } from './page-size.js';
import type { EventInput, EventRecord } from './records.js';
import { eventRecord, eventRow, itemRow, userRow } from './row-mapping.js';
import type { SqlContext } from './sql-context.js';
import type {
  ExportEventsOptions,
  Page,
  PopularItem,
  PopularItemsOptions,
  Store,
  UpsertEventsOptions,
} from './store.js';
import { upsertBatches } from './upsert-batches.js';

/** The event log: ingest, popularity over a window, and export for training. */
export class SqlEvents
  implements Pick<Store, 'upsertEvents' | 'popularItems' | 'exportEvents' | 'streamEvents'>
{
  readonly #context: SqlContext;

  constructor(context: SqlContext) {
    this.#context = context;
  }

  async upsertEvents(events: readonly EventInput[], options: UpsertEventsOptions = {}): Promise<void> {
    if (events.length === 0) return;
    const rows = lastById(events).map(eventRow);
    const now = this.#context.now();
    await this.#context.writes.transaction(async (trx) => {
      await upsertBatches(trx, 'events', rows);
      if (!options.createMissing) return;
      const users = [...new Set(rows.map((row) => row.user_id))];
      await insertBatches(trx, 'users', {
        rows: users.map((id) => userRow({ id }, now)),
        onConflict: (conflict) => conflict.column('id').doNothing(),
      });
      const items = [...new Set(rows.map((row) => row.item_id))];
      await insertBatches(trx, 'items', {
        rows: items.map((id) => itemRow({ id }, now)),
        onConflict: (conflict) => conflict.column('id').doNothing(),
      });
    });
  }

  async popularItems(options: PopularItemsOptions): Promise<PopularItem[]> {
    // Count per item first (an index-only scan of events_item_time_play), then
    // join the few groups to items for the hidden flag: joining every event row
    // to items first cost ~7x more on SQLite.
    const db = this.#context.db;
    let window = db.selectFrom('events').where('events.time', '>=', options.since);
    if (options.until !== undefined) window = window.where('events.time', '<', options.until);
    const counts = window
      .select((eb) => [
        'events.item_id as itemId',
        eb.fn.countAll<number>().as('events'),
        eb.fn.sum<number | null>('events.play_time_ms').as('playTimeMs'),
      ])
      .groupBy('events.item_id')
      .as('counts');
    const rows = await db
      .selectFrom(counts)
      .innerJoin('items', 'items.id', 'counts.itemId')
      .where('items.hidden', '=', 0)
      .select(['counts.itemId', 'counts.events', 'counts.playTimeMs'])
      .orderBy('counts.events', 'desc')
      .orderBy('counts.itemId')
      .limit(pageSize(options.limit, 100, 100_000))
      .execute();
    return rows.map((row) => ({
      itemId: row.itemId,
      events: Number(row.events),
      playTimeMs: Number(row.playTimeMs ?? 0),
    }));
  }

  async exportEvents(options: ExportEventsOptions = {}): Promise<Page<EventRecord>> {
    const limit = pageSize(options.limit, 10_000, 100_000);
    let query = this.#context.db.selectFrom('events').selectAll();
    if (options.since !== undefined) query = query.where('time', '>=', options.since);
    if (options.until !== undefined) query = query.where('time', '<', options.until);
    if (options.cursor !== undefined) {
      const [time, id] = decodeCursor(options.cursor, ['number', 'string'] as const);
      query = query.where((eb) =>
        eb.or([eb('time', '>', time), eb.and([eb('time', '=', time), eb('id', '>', id)])]),
      );
    }
    const rows = await query.orderBy('time').orderBy('id').limit(limit).execute();
    return page(rows.map(eventRecord), limit, (event) => [event.time, event.id]);
  }

  async *streamEvents(options: Omit<ExportEventsOptions, 'cursor'> = {}): AsyncGenerator<EventRecord> {
    let cursor: string | undefined;
    do {
      const next = await this.exportEvents(cursor === undefined ? options : { ...options, cursor });
      yield* next.records;
      cursor = next.cursor;
    } while (cursor !== undefined);
  }
}
