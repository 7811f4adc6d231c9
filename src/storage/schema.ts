import type { Kysely } from 'kysely';

/**
 * The tables as the query builder sees them. One schema for both backends:
 * times are unix milliseconds in `bigint` columns, flags are 0/1 integers and
 * lists and objects are JSON text, so every column type means the same on
 * SQLite and PostgreSQL. Record types (`records.ts`) are what callers see.
 */
export interface Database {
  items: ItemsTable;
  users: UsersTable;
  requests: RequestsTable;
  impressions: ImpressionsTable;
  events: EventsTable;
  model_versions: ModelVersionsTable;
  model_files: ModelFilesTable;
  model_file_chunks: ModelFileChunksTable;
  experiments: ExperimentsTable;
  dashboard_sessions: DashboardSessionsTable;
  item_hour_stats: ItemHourStatsTable;
  active_user_days: ActiveUserDaysTable;
  pipeline_user_days: PipelineUserDaysTable;
}

export type StoreDatabase = Kysely<Database>;

export interface ItemsTable {
  id: string;
  author: string | null;
  caption: string | null;
  /** JSON array of strings, as are `categories` and `tags`. */
  hashtags: string;
  duration_ms: number | null;
  upload_time: number | null;
  categories: string;
  tags: string;
  /** JSON array of integer codes, e.g. `[12,200,7,0]`. */
  semantic_id: string | null;
  ai_generated: number;
  hidden: number;
  updated_at: number;
}

export interface UsersTable {
  id: string;
  /** JSON object. */
  features: string;
  updated_at: number;
}

export interface RequestsTable {
  id: string;
  user_id: string;
  pipeline: string;
  experiment: string | null;
  time: number;
  item_count: number;
  latency_ms: number | null;
  cpu_ms: number | null;
  /** JSON object: stage name -> { latencyMs, cpuMs }. */
  stages: string | null;
}

export interface ImpressionsTable {
  request_id: string;
  position: number;
  user_id: string;
  item_id: string;
  pipeline: string;
  experiment: string | null;
  time: number;
  score: number | null;
}

/** One row per event; the signal columns keep KuaiRand's names (../shared/data/FORMATS.md). */
export interface EventsTable {
  id: string;
  user_id: string;
  item_id: string;
  time: number;
  request_id: string | null;
  pipeline: string | null;
  position: number | null;
  experiment: string | null;
  label: number | null;
  is_click: number | null;
  is_like: number | null;
  is_follow: number | null;
  is_comment: number | null;
  is_forward: number | null;
  is_hate: number | null;
  long_view: number | null;
  is_profile_enter: number | null;
  play_time_ms: number | null;
  duration_ms: number | null;
  profile_stay_time_ms: number | null;
  comment_stay_time_ms: number | null;
}

export interface ModelVersionsTable {
  name: string;
  version: number;
  path: string;
  checksum: string;
  /** JSON object. */
  metrics: string;
  created_at: number;
  active: number;
  /** Rows of `model_files` for this version (0 for a version whose files are only at `path`). */
  stored_files: number;
  stored_bytes: number;
}

/** A model version's file; its bytes are `chunks` rows of `model_file_chunks`, numbered from 0. */
export interface ModelFilesTable {
  name: string;
  version: number;
  path: string;
  bytes: number;
  /** Hex sha256 of the whole file. */
  sha256: string;
  chunks: number;
}

/** A piece of a model file: SQLite BLOB, PostgreSQL bytea, `MODEL_CHUNK_BYTES` long but for the last. */
export interface ModelFileChunksTable {
  name: string;
  version: number;
  path: string;
  chunk: number;
  data: Uint8Array;
}

export interface ExperimentsTable {
  name: string;
  /** JSON object: pipeline -> weight. */
  split: string;
  description: string | null;
  created_at: number;
  updated_at: number;
}

export interface DashboardSessionsTable {
  /** The sha256 of the cookie's token (the token itself is never stored). */
  id: string;
  /** JSON array of the scopes granted at login. */
  scopes: string;
  csrf_token: string;
  expires_at: number;
}

/** The 0/1 signals summed, one column each, named as in `events`. */
interface SignalSums {
  is_click: number;
  is_like: number;
  is_follow: number;
  is_comment: number;
  is_forward: number;
  is_hate: number;
  long_view: number;
  is_profile_enter: number;
}

/**
 * Rollups kept by triggers on `events` and `requests` (activity-rollups.ts),
 * so the dashboard's aggregates read rows per (item, hour) and per (user, day)
 * instead of the log. A replaced event moves its counts; rows whose counts
 * fall to 0 stay and are skipped by the queries.
 */
export interface ItemHourStatsTable extends SignalSums {
  /** `floor(time / 1 h)`. */
  hour: number;
  item_id: string;
  events: number;
  play_time_ms: number;
}

export interface ActiveUserDaysTable {
  /** `floor(time / 1 day)`. */
  day: number;
  user_id: string;
  events: number;
}

export interface PipelineUserDaysTable extends SignalSums {
  day: number;
  /** `''` for requests and events without an experiment (a key column cannot be NULL). */
  experiment: string;
  pipeline: string;
  user_id: string;
  requests: number;
  impressions: number;
  latency_ms: number;
  cpu_ms: number;
  /** Events attributed to the pipeline (events with a `pipeline`). */
  events: number;
  play_time_ms: number;
}
