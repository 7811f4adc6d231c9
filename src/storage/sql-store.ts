import { sql } from 'kysely';
import { dailyActiveUsers, hourlyEvents, itemTimeStats } from './activity-stats.js';
import { LocalModelActivations, type ModelActivationChannel } from './model-activations.js';
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
  ModelActivation,
  ModelFile,
  ModelVersion,
  ModelVersionInput,
  SessionRecord,
  UserInput,
  UserRecord,
} from './records.js';
import type { RecordsById } from './records-by-id.js';
import type { StoreDatabase } from './schema.js';
import type { SqlContext } from './sql-context.js';
import { SqlEvents } from './sql-events.js';
import { SqlExperiments } from './sql-experiments.js';
import { type ClaimTransaction, SqlFeeds } from './sql-feeds.js';
import { type FastFeedContext, SqlHistory } from './sql-history.js';
import { SqlItems } from './sql-items.js';
import { SqlModelFiles } from './sql-model-files.js';
import { SqlModelVersions } from './sql-model-versions.js';
import { SqlSessions } from './sql-sessions.js';
import { sqlUsers } from './sql-users.js';
import type { StoreWriter } from './sqlite-writer.js';
import type {
  ClaimFeedOptions,
  DailyActiveUsers,
  ExportEventsOptions,
  FeedClaim,
  FeedContext,
  FeedContextOptions,
  HistoryOptions,
  HourlyEvents,
  ItemTimeStats,
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
  TimeStatsOptions,
  UpsertEventsOptions,
} from './store.js';
import { tableCounts } from './table-counts.js';
import { WriteQueue } from './write-queue.js';

export interface SqlStoreOptions {
  db: StoreDatabase;
  backend: StoreBackend;
  location: string;
  /** The clock for `updatedAt` / `createdAt` (tests fix it). */
  now?: () => number;
  /** Where the long reads run (event-log pages, popularity, the experiment report); default `db`. */
  reads?: StoreDatabase;
  /** Where events and feed logs are committed when not through the query builder (SQLite file: a worker thread). */
  writer?: StoreWriter;
  /** `feedContext` without the query builder when it can (SQLite: prepared statements). */
  fastFeedContext?: FastFeedContext;
  /** Serialises `claimFeed`s of the same users across servers (PostgreSQL: advisory locks). */
  claimTransaction?: ClaimTransaction;
  /** How model activations reach listeners (default: in this process only; PostgreSQL: LISTEN/NOTIFY). */
  modelActivations?: ModelActivationChannel;
}

/**
 * The Store over a Kysely database: one implementation of every query for
 * both backends, since the schema uses only types and SQL both read alike
 * (`ON CONFLICT` upserts, keyset paging, integer division for days). What
 * differs (the driver, durability settings, type parsing) is set up by
 * `openSqliteStore` / `openPostgresStore`. The queries live with their
 * aggregate (`sql-items.ts`, `sql-feeds.ts`, ...), which all share one
 * database handle and one queue of write transactions.
 */
export class SqlStore implements Store {
  readonly backend: StoreBackend;
  readonly location: string;
  readonly #db: StoreDatabase;
  readonly #reads: StoreDatabase;
  readonly #writer: StoreWriter | undefined;
  readonly #items: SqlItems;
  readonly #users: RecordsById<'users', UserInput, UserRecord>;
  readonly #feeds: SqlFeeds;
  readonly #events: SqlEvents;
  readonly #history: SqlHistory;
  readonly #modelVersions: SqlModelVersions;
  readonly #modelFiles: SqlModelFiles;
  readonly #modelActivations: ModelActivationChannel;
  readonly #experiments: SqlExperiments;
  readonly #sessions: SqlSessions;
  #closed = false;

  constructor(options: SqlStoreOptions) {
    this.backend = options.backend;
    this.location = options.location;
    this.#db = options.db;
    this.#writer = options.writer;
    this.#reads = options.reads ?? options.db;
    const context: SqlContext = {
      db: options.db,
      reads: this.#reads,
      writes: new WriteQueue(options.db),
      now: options.now ?? Date.now,
    };
    this.#items = new SqlItems(context);
    this.#users = sqlUsers(context);
    this.#feeds = new SqlFeeds(context, {
      ...(options.writer && { writer: options.writer }),
      ...(options.claimTransaction && { claimTransaction: options.claimTransaction }),
    });
    this.#events = new SqlEvents(context, options.writer);
    this.#history = new SqlHistory(context, {
      ...(options.fastFeedContext && { fastFeedContext: options.fastFeedContext }),
    });
    this.#modelActivations = options.modelActivations ?? new LocalModelActivations();
    this.#modelVersions = new SqlModelVersions(context, this.#modelActivations);
    this.#modelFiles = new SqlModelFiles(context);
    this.#experiments = new SqlExperiments(context);
    this.#sessions = new SqlSessions(context);
  }

  /** Group commits of `insertFeeds` so far: transactions, calls and feeds (how well logging batches). */
  feedLogStats(): { commits: number; calls: number; records: number } {
    return this.#feeds.stats();
  }

  /** Group commits of `upsertEvents` through the writer so far (none without one): transactions and calls. */
  ingestStats(): { commits: number; calls: number } {
    const { commits, calls } = this.#events.stats();
    return { commits, calls };
  }

  upsertItems(items: readonly ItemInput[]): Promise<void> {
    return this.#items.upsert(items);
  }

  getItems(ids: readonly string[]): Promise<ItemRecord[]> {
    return this.#items.get(ids);
  }

  getItem(id: string): Promise<ItemRecord | undefined> {
    return this.#items.getOne(id);
  }

  listItems(options?: ListItemsOptions): Promise<Page<ItemRecord>> {
    return this.#items.listItems(options);
  }

  setItemsHidden(ids: readonly string[], hidden: boolean): Promise<number> {
    return this.#items.setItemsHidden(ids, hidden);
  }

  setSemanticIds(semanticIds: ReadonlyMap<string, readonly number[]>): Promise<number> {
    return this.#items.setSemanticIds(semanticIds);
  }

  upsertUsers(users: readonly UserInput[]): Promise<void> {
    return this.#users.upsert(users);
  }

  getUsers(ids: readonly string[]): Promise<UserRecord[]> {
    return this.#users.get(ids);
  }

  getUser(id: string): Promise<UserRecord | undefined> {
    return this.#users.getOne(id);
  }

  insertFeeds(feeds: readonly FeedInput[]): Promise<void> {
    return this.#feeds.insertFeeds(feeds);
  }

  claimFeed(feed: FeedInput, options: ClaimFeedOptions): Promise<FeedClaim> {
    return this.#feeds.claimFeed(feed, options);
  }

  getFeed(requestId: string): Promise<FeedRecord | undefined> {
    return this.#feeds.getFeed(requestId);
  }

  upsertEvents(events: readonly EventInput[], options?: UpsertEventsOptions): Promise<void> {
    return this.#events.upsertEvents(events, options);
  }

  userEvents(userId: string, options?: HistoryOptions): Promise<EventRecord[]> {
    return this.#history.userEvents(userId, options);
  }

  userImpressions(userId: string, options?: HistoryOptions): Promise<ImpressionRecord[]> {
    return this.#history.userImpressions(userId, options);
  }

  shownItems(userId: string, since: number): Promise<string[]> {
    return this.#history.shownItems(userId, since);
  }

  feedContext(userId: string, options: FeedContextOptions): Promise<FeedContext> {
    return this.#history.feedContext(userId, options);
  }

  popularItems(options: PopularItemsOptions): Promise<PopularItem[]> {
    return this.#events.popularItems(options);
  }

  exportEvents(options?: ExportEventsOptions): Promise<Page<EventRecord>> {
    return this.#events.exportEvents(options);
  }

  streamEvents(options?: Omit<ExportEventsOptions, 'cursor'>): AsyncGenerator<EventRecord> {
    return this.#events.streamEvents(options);
  }

  pipelineStats(options: StatsOptions = {}): Promise<PipelineStats[]> {
    return pipelineStats(this.#reads, options);
  }

  pipelineUserStats(options: StatsOptions = {}): Promise<PipelineUserStats[]> {
    return pipelineUserStats(this.#reads, options);
  }

  itemTimeStats(options: TimeStatsOptions): Promise<ItemTimeStats[]> {
    return itemTimeStats(this.#reads, options);
  }

  hourlyEvents(options: StatsOptions = {}): Promise<HourlyEvents[]> {
    return hourlyEvents(this.#reads, options);
  }

  dailyActiveUsers(options: StatsOptions = {}): Promise<DailyActiveUsers[]> {
    return dailyActiveUsers(this.#reads, options);
  }

  addModelVersion(input: ModelVersionInput): Promise<ModelVersion> {
    return this.#modelVersions.addModelVersion(input);
  }

  getModelVersion(name: string, version: number): Promise<ModelVersion | undefined> {
    return this.#modelVersions.getModelVersion(name, version);
  }

  listModelVersions(name?: string): Promise<ModelVersion[]> {
    return this.#modelVersions.listModelVersions(name);
  }

  activeModelVersion(name: string): Promise<ModelVersion | undefined> {
    return this.#modelVersions.activeModelVersion(name);
  }

  activateModelVersion(name: string, version: number): Promise<ModelVersion> {
    return this.#modelVersions.activateModelVersion(name, version);
  }

  deleteModelVersion(name: string, version: number): Promise<void> {
    return this.#modelVersions.deleteModelVersion(name, version);
  }

  listModelFiles(name: string, version: number): Promise<ModelFile[]> {
    return this.#modelFiles.listModelFiles(name, version);
  }

  readModelFile(name: string, version: number, path: string): AsyncGenerator<Uint8Array> {
    return this.#modelFiles.readModelFile(name, version, path);
  }

  listenModelActivations(
    listener: (activation: ModelActivation | undefined) => void,
  ): Promise<() => Promise<void>> {
    return this.#modelVersions.listenModelActivations(listener);
  }

  putExperiment(input: ExperimentInput): Promise<Experiment> {
    return this.#experiments.putExperiment(input);
  }

  getExperiment(name: string): Promise<Experiment | undefined> {
    return this.#experiments.getExperiment(name);
  }

  listExperiments(): Promise<Experiment[]> {
    return this.#experiments.listExperiments();
  }

  deleteExperiment(name: string): Promise<void> {
    return this.#experiments.deleteExperiment(name);
  }

  getSession(id: string, now?: number): Promise<SessionRecord | undefined> {
    return this.#sessions.get(id, now);
  }

  putSession(id: string, session: SessionRecord): Promise<void> {
    return this.#sessions.put(id, session);
  }

  deleteSession(id: string): Promise<void> {
    return this.#sessions.delete(id);
  }

  counts(): Promise<StoreCounts> {
    return tableCounts(this.#db);
  }

  async check(): Promise<void> {
    await sql`select 1`.execute(this.#db);
  }

  /** Closes the connections; closing again does nothing. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#modelActivations.close();
    await Promise.all([this.#feeds.idle(), this.#events.idle()]);
    await this.#writer?.close();
    if (this.#reads !== this.#db) await this.#reads.destroy();
    await this.#db.destroy();
  }
}
