import type { Kysely } from 'kysely';
import { GroupCommit } from './group-commit.js';
import { insertStatements } from './insert-batches.js';
import { lastById } from './last-by-id.js';
import { decodeCursor, page } from './page-cursor.js';
import { pageSize } from './page-size.js';
import type { EventInput, EventRecord } from './records.js';
import { eventRecord, eventRow, itemRow, userRow } from './row-mapping.js';
import type { Database, EventsTable } from './schema.js';
import type { SqlContext } from './sql-context.js';
import type { CompiledStatement, StoreWriter } from './sqlite-writer.js';
import type {
  ExportEventsOptions,
  Page,
  PopularItem,
  PopularItemsOptions,
  Store,
  UpsertEventsOptions,
} from './store.js';
import { upsertStatements } from './upsert-batches.js';

/** The event log: ingest, popularity over a window, and export for training. */
export class SqlEvents
  implements Pick<Store, 'upsertEvents' | 'popularItems' | 'exportEvents' | 'streamEvents'>
{
  readonly #context: SqlContext;
  /** With a writer: ingest calls group-committed there, each call one unit of statements. */
  readonly #log: GroupCommit<CompiledStatement[]> | undefined;

  constructor(context: SqlContext, writer?: StoreWriter) {
    this.#context = context;
    if (writer !== undefined)
      this.#log = new GroupCommit((calls) => context.writes.exclusive(() => writer.execute(calls.flat())), {
        maxBatch: 64,
      });
  }

  /**
   * One transaction per call; with a writer (a SQLite file) the calls made
   * while a commit runs share the next one (`GroupCommit`), committed off
   * the event loop. Either way a call resolves once its events are committed.
   */
  async upsertEvents(events: readonly EventInput[], options: UpsertEventsOptions = {}): Promise<void> {
    if (events.length === 0) return;
    const rows = lastById(events).map(eventRow);
    const createMissing = options.createMissing === true;
    const now = this.#context.now();
    if (this.#log !== undefined) {
      const statements = eventWrites(this.#context.db, rows, createMissing, now).map((statement) => {
        const { sql, parameters } = statement.compile();
        return { sql, parameters };
      });
      return this.#log.add([statements]);
    }
    await this.#context.writes.transaction(async (trx) => {
      for (const statement of eventWrites(trx, rows, createMissing, now)) await statement.execute();
    });
  }

  stats(): { commits: number; calls: number } {
    return { commits: this.#log?.stats.commits ?? 0, calls: this.#log?.stats.calls ?? 0 };
  }

  /** Resolves when the events ingested so far have been committed. */
  async idle(): Promise<void> {
    await this.#log?.idle();
  }

  async popularItems(options: PopularItemsOptions): Promise<PopularItem[]> {
    // Count per item first (an index-only scan of events_item_time_play), then
    // join the few groups to items for the hidden flag: joining every event row
    // to items first cost ~7x more on SQLite.
    const db = this.#context.reads;
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
    let query = this.#context.reads.selectFrom('events').selectAll();
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

/** The statements of one ingest call: the events replacing stored ones by id, then the users and items they name if asked. */
function eventWrites(
  db: Kysely<Database>,
  rows: readonly EventsTable[],
  createMissing: boolean,
  now: number,
): { compile(): CompiledStatement; execute(): Promise<unknown> }[] {
  const statements: { compile(): CompiledStatement; execute(): Promise<unknown> }[] = upsertStatements(
    db,
    'events',
    rows,
  );
  if (!createMissing) return statements;
  const users = [...new Set(rows.map((row) => row.user_id))];
  statements.push(
    ...insertStatements(db, 'users', {
      rows: users.map((id) => userRow({ id }, now)),
      onConflict: (conflict) => conflict.column('id').doNothing(),
    }),
  );
  const items = [...new Set(rows.map((row) => row.item_id))];
  statements.push(
    ...insertStatements(db, 'items', {
      rows: items.map((id) => itemRow({ id }, now)),
      onConflict: (conflict) => conflict.column('id').doNothing(),
    }),
  );
  return statements;
}
