export {
  defaultTimeWindow,
  ID_MAX_LENGTH,
  importTimeWindow,
  NAME_PATTERN,
  nameSchema,
  TEXT_PATTERN,
  type TimeWindow,
  timeRange,
  WORD_MAX_LENGTH,
} from './bounds.js';
export { CorruptModelFileError } from './corrupt-model-file-error.js';
export {
  type ImportOptions,
  type ImportSummary,
  importData,
  importFormats,
} from './import/import-data.js';
export type { ImportFormat } from './import/import-sources.js';
export {
  eventId,
  type ImportRecord,
  type JsonlSchemas,
  jsonlSchemas,
} from './import/jsonl-format.js';
export { type ReadJsonlOptions, readJsonl } from './import/read-jsonl.js';
export { migrateToLatest, migrationNames } from './migrations.js';
export { DEFAULT_SQLITE_PATH, openStore, type StoreLocation } from './open-store.js';
export { MODEL_ACTIVATION_CHANNEL } from './postgres-model-activations.js';
export { openPostgresStore, type PostgresStoreOptions, redactPassword } from './postgres-store.js';
export type {
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
  ModelFileInput,
  ModelVersion,
  ModelVersionInput,
  StageCost,
  UserInput,
  UserRecord,
} from './records.js';
export { MODEL_CHUNK_BYTES } from './sql-model-files.js';
export { openSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export type {
  BinarySignal,
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
  SignalCounts,
  StatsOptions,
  Store,
  StoreBackend,
  StoreCounts,
  TimeStatsOptions,
  UpsertEventsOptions,
} from './store.js';
export { binarySignals } from './store.js';
export { StoreUnavailableError } from './store-unavailable-error.js';
