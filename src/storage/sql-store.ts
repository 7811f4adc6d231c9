import { type RawBuilder, sql, type Transaction } from 'kysely';
import { ConflictError, NotFoundError } from '../core/index.js';
import { GroupCommit } from './group-commit.js';
import { decodeCursor, encodeCursor } from './page-cursor.js';
import { pipelineStats, pipelineUserStats } from './pipeline-stats.js';
import type {
  EventInput,
  EventRecord,
  Experiment,
  ExperimentInput,
  FeedInput,
  FeedRecord,
  ImpressionRecord,
  ItemInput,
  ItemRecord,
  ModelVersion,
  ModelVersionInput,
  UserInput,
  UserRecord,
} from './records.js';
import {
  eventRecord,
  eventRow,
  experimentRecord,
  impressionRecord,
  itemRecord,
  itemRow,
  modelVersionRecord,
  userRecord,
  userRow,
} from './row-mapping.js';
import type { Database, EventsTable, ImpressionsTable, RequestsTable, StoreDatabase } from './schema.js';
import type { FeedRows } from './sqlite-feed-log.js';
import type {
  ExportEventsOptions,
  FeedContext,
  FeedContextOptions,
  HistoryOptions,
  ListItemsOptions,
  Page,
  PipelineStats,
  PipelineUserStats,
  PopularItem,
  PopularItemsOptions,
  StatsOptions,
  Store,
  StoreBackend,
  StoreCounts,
  UpsertEventsOptions,
} from './store.js';

/**
 * Bound parameters per statement: under SQLite's 32,766 and PostgreSQL's
 * 65,535, so a batch of any size is cut into statements both accept.
 */
const MAX_PARAMETERS = 30_000;

export interface SqlStoreOptions {
  db: StoreDatabase;
  backend: StoreBackend;
  location: string;
  /** The clock for `updatedAt` / `createdAt` (tests fix it). */
  now?: () => number;
  /**
   * Writes one group commit of feeds in its own transaction instead of the
   * query builder's connection (SQLite: `SqliteFeedLog`, a worker thread, so
   * the fsync does not hold the event loop); resolves after it committed.
   */
  feedLog?: { write(rows: FeedRows): Promise<void>; close(): Promise<void> };
  /**
   * `feedContext` through prepared statements (SQLite: no query building per
   * request); answers undefined when it cannot read outside a transaction,
   * and the query builder's path runs instead.
   */
  fastFeedContext?: (userId: string, historyLength: number, since: number) => FeedContext | undefined;
}

/**
 * The Store over a Kysely database: one implementation of every query for
 * both backends, since the schema uses only types and SQL both read alike
 * (`ON CONFLICT` upserts, keyset paging, integer division for days). What
 * differs (the driver, durability settings, type parsing) is set up by
 * `openSqliteStore` / `openPostgresStore`.
 */
export class SqlStore implements Store {
  readonly backend: StoreBackend;
  readonly location: string;
  readonly #db: StoreDatabase;
  readonly #now: () => number;
  readonly #feedWriter: SqlStoreOptions['feedLog'];
  readonly #fastFeedContext: SqlStoreOptions['fastFeedContext'];
  readonly #feedLog: GroupCommit<FeedInput>;
  #turn: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(options: SqlStoreOptions) {
    this.#db = options.db;
    this.backend = options.backend;
    this.location = options.location;
    this.#now = options.now ?? Date.now;
    this.#feedWriter = options.feedLog;
    this.#fastFeedContext = options.fastFeedContext;
    const writer = options.feedLog;
    this.#feedLog = new GroupCommit<FeedInput>(
      writer === undefined
        ? (feeds) => this.#writeFeeds(feeds)
        : (feeds) => this.#exclusive(() => writer.write(feedRows(feeds))),
    );
  }

  /**
   * Write transactions take turns (FIFO), with each other and with the feed
   * log's: on SQLite the query builder's transactions span several awaits
   * holding the file's write lock, and a worker polling for that lock
   * (busy timeout) could be starved by back-to-back ingest batches.
   */
  #exclusive<T>(write: () => Promise<T>): Promise<T> {
    const run = this.#turn.then(write, write);
    this.#turn = run.catch(() => undefined);
    return run;
  }

  #transaction<T>(body: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.#exclusive(() => this.#db.transaction().execute(body));
  }

  /** Group commits of `insertFeeds` so far: transactions, calls and feeds (how well logging batches). */
  feedLogStats(): { commits: number; calls: number; records: number } {
    return { ...this.#feedLog.stats };
  }

  async upsertItems(items: readonly ItemInput[]): Promise<void> {
    if (items.length === 0) return;
    const now = this.#now();
    const rows = lastById(items).map((item) => itemRow(item, now));
    await this.#transaction(async (trx) => {
      for (const batch of batches(rows)) {
        await trx
          .insertInto('items')
          .values(batch)
          .onConflict((conflict) =>
            conflict.column('id').doUpdateSet((eb) => ({
              author: eb.ref('excluded.author'),
              caption: eb.ref('excluded.caption'),
              hashtags: eb.ref('excluded.hashtags'),
              duration_ms: eb.ref('excluded.duration_ms'),
              upload_time: eb.ref('excluded.upload_time'),
              categories: eb.ref('excluded.categories'),
              tags: eb.ref('excluded.tags'),
              semantic_id: eb.ref('excluded.semantic_id'),
              ai_generated: eb.ref('excluded.ai_generated'),
              hidden: eb.ref('excluded.hidden'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }
    });
  }

  async getItems(ids: readonly string[]): Promise<ItemRecord[]> {
    const found = new Map<string, ItemRecord>();
    for (const batch of batches([...new Set(ids)], 1)) {
      const rows = await this.#db.selectFrom('items').selectAll().where('id', 'in', batch).execute();
      for (const row of rows) found.set(row.id, itemRecord(row));
    }
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  async getItem(id: string): Promise<ItemRecord | undefined> {
    const row = await this.#db.selectFrom('items').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : itemRecord(row);
  }

  async listItems(options: ListItemsOptions = {}): Promise<Page<ItemRecord>> {
    const limit = pageSize(options.limit, 100, 10_000);
    let query = this.#db.selectFrom('items').selectAll();
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
    const now = this.#now();
    return this.#transaction(async (trx) => {
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
    const now = this.#now();
    return this.#transaction(async (trx) => {
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

  async upsertUsers(users: readonly UserInput[]): Promise<void> {
    if (users.length === 0) return;
    const now = this.#now();
    const rows = lastById(users).map((user) => userRow(user, now));
    await this.#transaction(async (trx) => {
      for (const batch of batches(rows)) {
        await trx
          .insertInto('users')
          .values(batch)
          .onConflict((conflict) =>
            conflict.column('id').doUpdateSet((eb) => ({
              features: eb.ref('excluded.features'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }
    });
  }

  async getUsers(ids: readonly string[]): Promise<UserRecord[]> {
    const found = new Map<string, UserRecord>();
    for (const batch of batches([...new Set(ids)], 1)) {
      const rows = await this.#db.selectFrom('users').selectAll().where('id', 'in', batch).execute();
      for (const row of rows) found.set(row.id, userRecord(row));
    }
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    const row = await this.#db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : userRecord(row);
  }

  /**
   * Group-committed (`GroupCommit`): feeds logged concurrently share one
   * transaction, and each call resolves once the transaction holding its
   * feeds committed.
   */
  insertFeeds(feeds: readonly FeedInput[]): Promise<void> {
    return this.#feedLog.add(feeds);
  }

  async #writeFeeds(feeds: readonly FeedInput[]): Promise<void> {
    const { requests, impressions } = feedRows(feeds);
    await this.#transaction(async (trx) => {
      for (const batch of batches(requests)) {
        await trx
          .insertInto('requests')
          .values(batch)
          .onConflict((conflict) => conflict.column('id').doNothing())
          .execute();
      }
      for (const batch of batches(impressions)) {
        await trx
          .insertInto('impressions')
          .values(batch)
          .onConflict((conflict) => conflict.columns(['request_id', 'position']).doNothing())
          .execute();
      }
    });
  }

  async getFeed(requestId: string): Promise<FeedRecord | undefined> {
    const request = await this.#db
      .selectFrom('requests')
      .selectAll()
      .where('id', '=', requestId)
      .executeTakeFirst();
    if (request === undefined) return undefined;
    const impressions = await this.#db
      .selectFrom('impressions')
      .select(['item_id', 'score'])
      .where('request_id', '=', requestId)
      .orderBy('position')
      .execute();
    const feed: FeedRecord = {
      requestId,
      userId: request.user_id,
      pipeline: request.pipeline,
      time: request.time,
      items: impressions.map((row) =>
        row.score === null ? { itemId: row.item_id } : { itemId: row.item_id, score: row.score },
      ),
    };
    if (request.experiment !== null) feed.experiment = request.experiment;
    if (request.latency_ms !== null) feed.latencyMs = request.latency_ms;
    if (request.cpu_ms !== null) feed.cpuMs = request.cpu_ms;
    if (request.stages !== null) feed.stages = JSON.parse(request.stages);
    return feed;
  }

  async upsertEvents(events: readonly EventInput[], options: UpsertEventsOptions = {}): Promise<void> {
    if (events.length === 0) return;
    const rows = lastById(events).map(eventRow);
    const now = this.#now();
    await this.#transaction(async (trx) => {
      for (const batch of batches(rows)) {
        await trx
          .insertInto('events')
          .values(batch)
          .onConflict((conflict) =>
            conflict
              .column('id')
              .doUpdateSet(replaceFromExcluded(Object.keys(batch[0]!) as (keyof EventsTable)[])),
          )
          .execute();
      }
      if (!options.createMissing) return;
      const users = [...new Set(rows.map((row) => row.user_id))].map((id) => userRow({ id }, now));
      for (const batch of batches(users)) {
        await trx
          .insertInto('users')
          .values(batch)
          .onConflict((conflict) => conflict.column('id').doNothing())
          .execute();
      }
      const items = [...new Set(rows.map((row) => row.item_id))].map((id) => itemRow({ id }, now));
      for (const batch of batches(items)) {
        await trx
          .insertInto('items')
          .values(batch)
          .onConflict((conflict) => conflict.column('id').doNothing())
          .execute();
      }
    });
  }

  async userEvents(userId: string, options: HistoryOptions = {}): Promise<EventRecord[]> {
    let query = this.#db.selectFrom('events').selectAll().where('user_id', '=', userId);
    if (options.before !== undefined) query = query.where('time', '<', options.before);
    const rows = await query
      .orderBy('time', 'desc')
      .orderBy('id', 'desc')
      .limit(pageSize(options.limit, 100, 100_000))
      .execute();
    return rows.map(eventRecord);
  }

  async userImpressions(userId: string, options: HistoryOptions = {}): Promise<ImpressionRecord[]> {
    let query = this.#db.selectFrom('impressions').selectAll().where('user_id', '=', userId);
    if (options.before !== undefined) query = query.where('time', '<', options.before);
    const rows = await query
      .orderBy('time', 'desc')
      .orderBy('request_id', 'desc')
      .orderBy('position')
      .limit(pageSize(options.limit, 100, 100_000))
      .execute();
    return rows.map(impressionRecord);
  }

  async shownItems(userId: string, since: number): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('impressions')
      .select('item_id')
      .where('user_id', '=', userId)
      .where('time', '>=', since)
      .union(
        this.#db
          .selectFrom('events')
          .select('item_id')
          .where('user_id', '=', userId)
          .where('time', '>=', since),
      )
      .execute();
    return rows.map((row) => row.item_id).sort();
  }

  async feedContext(userId: string, options: FeedContextOptions): Promise<FeedContext> {
    const historyLength = options.historyLength;
    if (!Number.isInteger(historyLength) || historyLength < 1 || historyLength > 100_000)
      throw new RangeError(`historyLength must be an integer from 1 to 100000, got ${historyLength}`);
    if (!Number.isFinite(options.since))
      throw new RangeError(`since must be a finite time in unix ms, got ${options.since}`);
    const fast = this.#fastFeedContext?.(userId, historyLength, options.since);
    if (fast !== undefined) return fast;
    const [history, shown] = await Promise.all([
      this.#db
        .selectFrom('events')
        .select('item_id')
        .where('user_id', '=', userId)
        .orderBy('time', 'desc')
        .orderBy('id', 'desc')
        .limit(historyLength)
        .execute(),
      this.shownItems(userId, options.since),
    ]);
    return { history: history.map((row) => row.item_id), shown };
  }

  async popularItems(options: PopularItemsOptions): Promise<PopularItem[]> {
    // Count per item first (an index-only scan of events_item_time_play), then
    // join the few groups to items for the hidden flag: joining every event row
    // to items first cost ~7x more on SQLite.
    let window = this.#db.selectFrom('events').where('events.time', '>=', options.since);
    if (options.until !== undefined) window = window.where('events.time', '<', options.until);
    const counts = window
      .select((eb) => [
        'events.item_id as itemId',
        eb.fn.countAll<number>().as('events'),
        eb.fn.sum<number | null>('events.play_time_ms').as('playTimeMs'),
      ])
      .groupBy('events.item_id')
      .as('counts');
    const rows = await this.#db
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
    let query = this.#db.selectFrom('events').selectAll();
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

  pipelineStats(options: StatsOptions = {}): Promise<PipelineStats[]> {
    return pipelineStats(this.#db, options);
  }

  pipelineUserStats(options: StatsOptions = {}): Promise<PipelineUserStats[]> {
    return pipelineUserStats(this.#db, options);
  }

  async addModelVersion(input: ModelVersionInput): Promise<ModelVersion> {
    try {
      return await this.#transaction(async (trx) => {
        let version = input.version;
        if (version === undefined) {
          const newest = await trx
            .selectFrom('model_versions')
            .select((eb) => eb.fn.max('version').as('version'))
            .where('name', '=', input.name)
            .executeTakeFirst();
          version = Number(newest?.version ?? 0) + 1;
        }
        const row = {
          name: input.name,
          version,
          path: input.path,
          checksum: input.checksum,
          metrics: JSON.stringify(input.metrics ?? {}),
          created_at: this.#now(),
          active: 0,
        };
        await trx.insertInto('model_versions').values(row).execute();
        return modelVersionRecord(row);
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw new ConflictError(
        `Model ${input.name} already has version ${input.version ?? '(the next number)'}`,
        { cause: error },
      );
    }
  }

  async getModelVersion(name: string, version: number): Promise<ModelVersion | undefined> {
    const row = await this.#db
      .selectFrom('model_versions')
      .selectAll()
      .where('name', '=', name)
      .where('version', '=', version)
      .executeTakeFirst();
    return row === undefined ? undefined : modelVersionRecord(row);
  }

  async listModelVersions(name?: string): Promise<ModelVersion[]> {
    let query = this.#db.selectFrom('model_versions').selectAll();
    if (name !== undefined) query = query.where('name', '=', name);
    const rows = await query.orderBy('name').orderBy('version', 'desc').execute();
    return rows.map(modelVersionRecord);
  }

  async activeModelVersion(name: string): Promise<ModelVersion | undefined> {
    const row = await this.#db
      .selectFrom('model_versions')
      .selectAll()
      .where('name', '=', name)
      .where('active', '=', 1)
      .executeTakeFirst();
    return row === undefined ? undefined : modelVersionRecord(row);
  }

  async activateModelVersion(name: string, version: number): Promise<ModelVersion> {
    await this.#transaction(async (trx) => {
      const exists = await trx
        .selectFrom('model_versions')
        .select('version')
        .where('name', '=', name)
        .where('version', '=', version)
        .executeTakeFirst();
      if (exists === undefined) throw new NotFoundError(`Model ${name} has no version ${version}`);
      await trx
        .updateTable('model_versions')
        .set({ active: 0 })
        .where('name', '=', name)
        .where('active', '=', 1)
        .execute();
      await trx
        .updateTable('model_versions')
        .set({ active: 1 })
        .where('name', '=', name)
        .where('version', '=', version)
        .execute();
    });
    return (await this.getModelVersion(name, version))!;
  }

  async deleteModelVersion(name: string, version: number): Promise<void> {
    await this.#transaction(async (trx) => {
      const row = await trx
        .selectFrom('model_versions')
        .select('active')
        .where('name', '=', name)
        .where('version', '=', version)
        .executeTakeFirst();
      if (row === undefined) throw new NotFoundError(`Model ${name} has no version ${version}`);
      if (row.active === 1) {
        throw new ConflictError(`Model ${name} version ${version} is active: activate another version first`);
      }
      await trx
        .deleteFrom('model_versions')
        .where('name', '=', name)
        .where('version', '=', version)
        .execute();
    });
  }

  async putExperiment(input: ExperimentInput): Promise<Experiment> {
    const now = this.#now();
    await this.#db
      .insertInto('experiments')
      .values({
        name: input.name,
        split: JSON.stringify(input.split),
        description: input.description ?? null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((conflict) =>
        conflict.column('name').doUpdateSet((eb) => ({
          split: eb.ref('excluded.split'),
          description: eb.ref('excluded.description'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
    return (await this.getExperiment(input.name))!;
  }

  async getExperiment(name: string): Promise<Experiment | undefined> {
    const row = await this.#db
      .selectFrom('experiments')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    return row === undefined ? undefined : experimentRecord(row);
  }

  async listExperiments(): Promise<Experiment[]> {
    const rows = await this.#db.selectFrom('experiments').selectAll().orderBy('name').execute();
    return rows.map(experimentRecord);
  }

  async deleteExperiment(name: string): Promise<void> {
    const result = await this.#db.deleteFrom('experiments').where('name', '=', name).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw new NotFoundError(`No experiment named ${name}`);
  }

  async counts(): Promise<StoreCounts> {
    const count = async (table: 'items' | 'users' | 'requests' | 'impressions' | 'events') => {
      const row = await this.#db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('count'))
        .executeTakeFirstOrThrow();
      return Number(row.count);
    };
    return {
      items: await count('items'),
      users: await count('users'),
      requests: await count('requests'),
      impressions: await count('impressions'),
      events: await count('events'),
    };
  }

  async check(): Promise<void> {
    await sql`select 1`.execute(this.#db);
  }

  /** Closes the connections; closing again does nothing. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#feedLog.idle();
    await this.#feedWriter?.close();
    await this.#db.destroy();
  }
}

/** A batch of feeds as table rows: one request row each, one impression row per item (position = index). */
function feedRows(feeds: readonly FeedInput[]): FeedRows {
  const requests: RequestsTable[] = [];
  const impressions: ImpressionsTable[] = [];
  for (const feed of feeds) {
    const time = Math.round(feed.time);
    const experiment = feed.experiment ?? null;
    requests.push({
      id: feed.requestId,
      user_id: feed.userId,
      pipeline: feed.pipeline,
      experiment,
      time,
      item_count: feed.items.length,
      latency_ms: feed.latencyMs ?? null,
      cpu_ms: feed.cpuMs ?? null,
      stages: feed.stages === undefined ? null : JSON.stringify(feed.stages),
    });
    feed.items.forEach((item, position) => {
      impressions.push({
        request_id: feed.requestId,
        position,
        user_id: feed.userId,
        item_id: item.itemId,
        pipeline: feed.pipeline,
        experiment,
        time,
        score: item.score ?? null,
      });
    });
  }
  return { requests, impressions };
}

/** `SET column = excluded.column` for every column but the key: an upsert that replaces the row. */
function replaceFromExcluded(columns: readonly (keyof EventsTable)[]): {
  [K in keyof EventsTable]?: RawBuilder<EventsTable[K]>;
} {
  return Object.fromEntries(
    columns.filter((column) => column !== 'id').map((column) => [column, sql.ref(`excluded.${column}`)]),
  );
}

/** Splits rows into statements of at most MAX_PARAMETERS bound values. */
function* batches<T>(rows: readonly T[], columns = columnCount(rows[0])): Generator<T[]> {
  const size = Math.max(1, Math.floor(MAX_PARAMETERS / columns));
  for (let start = 0; start < rows.length; start += size) yield rows.slice(start, start + size);
}

function columnCount(row: unknown): number {
  return row !== null && typeof row === 'object' ? Object.keys(row).length : 1;
}

/** One statement cannot upsert an id twice (PostgreSQL refuses); the last write of a batch wins. */
function lastById<T extends { id: string }>(records: readonly T[]): T[] {
  return [...new Map(records.map((record) => [record.id, record])).values()];
}

function pageSize(limit: number | undefined, fallback: number, maximum: number): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > maximum) {
    throw new RangeError(`limit must be an integer from 1 to ${maximum}, got ${limit}`);
  }
  return limit;
}

function page<T>(records: T[], limit: number, key: (record: T) => (string | number)[]): Page<T> {
  const last = records.at(-1);
  return records.length < limit || last === undefined
    ? { records }
    : { records, cursor: encodeCursor(key(last)) };
}

/** A primary-key or unique constraint failed (SQLite or PostgreSQL). */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
