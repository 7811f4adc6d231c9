import type { Signals } from '../data/index.js';
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

/**
 * Everything genfeed keeps: the catalogue, users, served feeds, events, model
 * versions and experiments. Two implementations share one contract test suite
 * (`test-support/store-contract.ts`): SQLite (embedded default) and PostgreSQL.
 *
 * Writes of several records run in one transaction and resolve only after it
 * commits, so a resolved write is durable (see docs/storage.md for what each
 * backend's commit guarantees). Writes are idempotent by id.
 */
export interface Store {
  /** `sqlite` or `postgres`. */
  readonly backend: StoreBackend;
  /** Where the data lives (a file path, or the PostgreSQL URL without its password), for messages. */
  readonly location: string;

  upsertItems(items: readonly ItemInput[]): Promise<void>;
  /** The items of `ids` that exist, in the order of `ids`. */
  getItems(ids: readonly string[]): Promise<ItemRecord[]>;
  getItem(id: string): Promise<ItemRecord | undefined>;
  /** Pages through the catalogue. */
  listItems(options?: ListItemsOptions): Promise<Page<ItemRecord>>;
  /** Hides or shows items; returns how many exist. */
  setItemsHidden(ids: readonly string[], hidden: boolean): Promise<number>;
  /** Sets the semantic IDs of existing items (after the tokenizer ran); returns how many exist. */
  setSemanticIds(semanticIds: ReadonlyMap<string, readonly number[]>): Promise<number>;

  upsertUsers(users: readonly UserInput[]): Promise<void>;
  getUsers(ids: readonly string[]): Promise<UserRecord[]>;
  getUser(id: string): Promise<UserRecord | undefined>;

  /** Records served feeds (request + impressions); a request id already stored is left as it is. */
  insertFeeds(feeds: readonly FeedInput[]): Promise<void>;
  /**
   * Records a feed about to be served only if it repeats nothing, atomically
   * per user, against concurrent claims in this process and on every other
   * server of the same database: when no item of `feed` was shown to the user
   * at or after `options.since` (by another recorded feed) it records the feed
   * as `insertFeeds` does; otherwise it records nothing and answers every
   * item the user was shown in that window, for a retry to avoid. Items the
   * user acted on are not checked (`feedContext` reads those).
   */
  claimFeed(feed: FeedInput, options: ClaimFeedOptions): Promise<FeedClaim>;
  /** A served feed by its request id (what was shown, by which pipeline, at what cost). */
  getFeed(requestId: string): Promise<FeedRecord | undefined>;
  /** Events, replaced by id. With `createMissing`, bare users and items are added for unknown ids. */
  upsertEvents(events: readonly EventInput[], options?: UpsertEventsOptions): Promise<void>;

  /** A user's events, newest first. */
  userEvents(userId: string, options?: HistoryOptions): Promise<EventRecord[]>;
  /** The items a user was shown, newest first. */
  userImpressions(userId: string, options?: HistoryOptions): Promise<ImpressionRecord[]>;
  /** Distinct items a user was shown or acted on at or after `since` (what a feed must not repeat). */
  shownItems(userId: string, since: number): Promise<string[]>;
  /**
   * What a feed request reads, in one call: the item ids of the user's
   * `historyLength` newest events (newest first, as `userEvents`) and the
   * items shown or acted on at or after `since` (as `shownItems`).
   */
  feedContext(userId: string, options: FeedContextOptions): Promise<FeedContext>;
  /** Visible items with the most events in a time window, most first. */
  popularItems(options: PopularItemsOptions): Promise<PopularItem[]>;
  /** One page of events in (time, id) order, for training export. */
  exportEvents(options?: ExportEventsOptions): Promise<Page<EventRecord>>;
  /** Every event of the window in (time, id) order, a page at a time: constant memory on any log. */
  streamEvents(options?: Omit<ExportEventsOptions, 'cursor'>): AsyncGenerator<EventRecord>;

  /** Totals per pipeline over a window: what an experiment report starts from. */
  pipelineStats(options?: StatsOptions): Promise<PipelineStats[]>;
  /** The same per (pipeline, user): the unit confidence intervals of a user-bucketed test need. */
  pipelineUserStats(options?: StatsOptions): Promise<PipelineUserStats[]>;
  /**
   * Events summed per (item, time bucket) over a window, aggregated by the
   * database: what the dashboard's overview reads instead of the events
   * themselves (rows grow with the items active per bucket, not with the log).
   */
  itemTimeStats(options: TimeStatsOptions): Promise<ItemTimeStats[]>;
  /** Events per UTC hour of a window (hours without events left out). */
  hourlyEvents(options?: StatsOptions): Promise<HourlyEvents[]>;
  /** Distinct users with an event per UTC day of a window. */
  dailyActiveUsers(options?: StatsOptions): Promise<DailyActiveUsers[]>;

  /**
   * Records a version and, when `input.files` is given, its files, in one
   * transaction: either all of it is kept or none. Each file is read once,
   * cut into chunks of `MODEL_CHUNK_BYTES` and hashed as it is written.
   * ConflictError if the version number exists; InvalidInputError for a bad
   * or repeated path, or bytes that do not match a given sha256.
   */
  addModelVersion(input: ModelVersionInput): Promise<ModelVersion>;
  getModelVersion(name: string, version: number): Promise<ModelVersion | undefined>;
  /** Newest first; every model's versions when `name` is left out. */
  listModelVersions(name?: string): Promise<ModelVersion[]>;
  activeModelVersion(name: string): Promise<ModelVersion | undefined>;
  /**
   * Makes this version the active one of its name (and no other), in one
   * transaction that also announces it to `listenModelActivations`
   * listeners; throws NotFoundError if absent.
   */
  activateModelVersion(name: string, version: number): Promise<ModelVersion>;
  /** Deletes the version and its files. Throws NotFoundError if absent, ConflictError if it is the active version. */
  deleteModelVersion(name: string, version: number): Promise<void>;
  /** The files kept for a version, in code-point order of their paths (none for a version kept only on disk); NotFoundError if absent. */
  listModelFiles(name: string, version: number): Promise<ModelFile[]>;
  /**
   * A kept file's bytes, one chunk at a time (constant memory for any size).
   * NotFoundError if there is no such file; a CorruptModelFileError naming
   * the model, version and file when a chunk is missing or the size or
   * sha256 differ from what was written, thrown after the last chunk at the
   * latest, so a reader keeps nothing until the generator finished.
   */
  readModelFile(name: string, version: number, path: string): AsyncGenerator<Uint8Array>;
  /**
   * Calls `listener` after each activation commits: on PostgreSQL every
   * activation of the database (any server, through LISTEN/NOTIFY); on SQLite
   * those made through this store object (other processes poll). Called with
   * `undefined` when some may have been missed. Resolves to a function that
   * stops it.
   */
  listenModelActivations(
    listener: (activation: ModelActivation | undefined) => void,
  ): Promise<() => Promise<void>>;

  /** Creates or replaces an experiment (its creation time is kept). */
  putExperiment(input: ExperimentInput): Promise<Experiment>;
  getExperiment(name: string): Promise<Experiment | undefined>;
  listExperiments(): Promise<Experiment[]>;
  /** Throws NotFoundError if absent. */
  deleteExperiment(name: string): Promise<void>;

  /** A dashboard session by id; undefined if absent or expired. */
  getSession(id: string, now?: number): Promise<SessionRecord | undefined>;
  /** Stores (or replaces) a session, dropping the expired ones. */
  putSession(id: string, session: SessionRecord): Promise<void>;
  /** Deletes a session; absent is fine (a logout twice). */
  deleteSession(id: string): Promise<void>;

  /** Row counts of the main tables. */
  counts(): Promise<StoreCounts>;
  /** Resolves when the database answers (for `/health/ready`). */
  check(): Promise<void>;
  close(): Promise<void>;
}

export type StoreBackend = 'sqlite' | 'postgres';

export interface Page<T> {
  records: T[];
  /** Pass back to get the next page; absent on the last page. */
  cursor?: string;
}

export interface ListItemsOptions {
  /** Page size (default 100, at most 10,000). */
  limit?: number;
  cursor?: string;
  /** Only hidden (true) or only visible (false) items; both when left out. */
  hidden?: boolean;
  /** Only items uploaded after this time (unix ms); items without an upload time are left out. */
  uploadedAfter?: number;
  /** `id` (default) or `newest` upload first (items without an upload time last). */
  order?: 'id' | 'newest';
}

export interface UpsertEventsOptions {
  createMissing?: boolean;
}

export interface HistoryOptions {
  /** At most this many (default 100). */
  limit?: number;
  /** Only before this time (unix ms), for paging back. */
  before?: number;
}

export interface FeedContextOptions {
  /** How many recent events (1 to 100,000). */
  historyLength: number;
  /** The no-repeat window's start (unix ms). */
  since: number;
}

export interface FeedContext {
  /** Item ids of the newest events, newest first (an item acted on twice appears twice). */
  history: string[];
  /** Distinct items shown or acted on since `since`, sorted. */
  shown: string[];
}

export interface ClaimFeedOptions {
  /** The no-repeat window's start (unix ms). */
  since: number;
}

/** What `claimFeed` did: recorded the feed, or refused it for repeating items shown since `since`. */
export type FeedClaim =
  | { recorded: true }
  | {
      recorded: false;
      /** Distinct items shown to the user in the window, sorted. */
      shown: string[];
    };

export interface PopularItemsOptions {
  /** The window [since, until) in unix ms; `until` defaults to no end. */
  since: number;
  until?: number;
  /** Default 100. */
  limit?: number;
}

export interface PopularItem {
  itemId: string;
  events: number;
  playTimeMs: number;
}

export interface ExportEventsOptions {
  /** The window [since, until) in unix ms. */
  since?: number;
  until?: number;
  /** Page size (default 10,000). */
  limit?: number;
  cursor?: string;
}

export interface StatsOptions {
  since?: number;
  until?: number;
  /** Only requests and events of this experiment. */
  experiment?: string;
}

/** The binary signals, counted: how many events had each at 1. */
export type SignalCounts = Record<BinarySignal, number>;

/** The 0/1 signals of an event, in the order reports and the dashboard show them. */
export const binarySignals = [
  'click',
  'like',
  'follow',
  'comment',
  'forward',
  'hate',
  'longView',
  'profileEnter',
] as const satisfies readonly (keyof Signals)[];
export type BinarySignal = (typeof binarySignals)[number];

export interface PipelineStats {
  pipeline: string;
  /** From the feeds served by the pipeline. */
  requests: number;
  impressions: number;
  users: number;
  latencyMs: number;
  cpuMs: number;
  /** From the events attributed to the pipeline. */
  events: number;
  playTimeMs: number;
  signals: SignalCounts;
}

export interface PipelineUserStats {
  pipeline: string;
  userId: string;
  requests: number;
  events: number;
  playTimeMs: number;
  /** Distinct UTC days with an event (retention). */
  activeDays: number;
  signals: SignalCounts;
}

export interface TimeStatsOptions extends StatsOptions {
  /** Bucket length in ms (a whole number; buckets start at multiples of it since the epoch). */
  bucketMs: number;
}

export interface ItemTimeStats {
  itemId: string;
  /** Start of the bucket (unix ms). */
  start: number;
  events: number;
  playTimeMs: number;
  signals: SignalCounts;
}

export interface HourlyEvents {
  /** Start of the UTC hour (unix ms). */
  hour: number;
  events: number;
}

export interface DailyActiveUsers {
  /** Start of the UTC day (unix ms). */
  day: number;
  users: number;
}

export interface StoreCounts {
  items: number;
  users: number;
  requests: number;
  impressions: number;
  events: number;
}
