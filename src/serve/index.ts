// The HTTP API (docs/serve.md): app, server, keys, metrics, the model-free feed source and the typed client.
export { type AppOptions, createApp } from './app.js';
export { GenfeedApiError } from './client/api-error.js';
export {
  type ClientOptions,
  GenfeedClient,
  type ModelFileUpload,
  type PublishModelOptions,
} from './client/client.js';
export {
  type BucketReport,
  type BucketsReport,
  type BucketsReportOptions,
  bucketsReport,
} from './experiments/bucket-report.js';
export {
  DAY_MS,
  type DataWindow,
  dataWindow,
  dayLabel,
  newestEventTime,
  windowBetween,
} from './experiments/data-window.js';
export {
  alignedColumns,
  type ExperimentReport,
  type ExperimentReportOptions,
  experimentReport,
  formatExperimentReport,
  type PipelineComparison,
  type PipelineReport,
} from './experiments/experiment-report.js';
export { ExperimentService } from './experiments/experiment-service.js';
export { type PipelineCost, StageLedger } from './experiments/stage-ledger.js';
export { TrafficSplit, userPosition } from './experiments/traffic-split.js';
// What `genfeed serve` composes: the feed service over the model registry.
// The feed side (docs/serve-feeds.md): pipelines, experiments, the registry's pieces.
export {
  combinePipelines,
  FeedService,
  type FeedServiceCounters,
  type FeedServiceOptions,
  fixedPipelines,
  MAX_FEED_SIZE,
  type PipelineProvider,
} from './feed-service.js';
export type { FeedSource, PipelineStatus, ServedFeed, SimilarItem } from './feed-source.js';
export type {
  AdminExperimentsResponse,
  AdminItemsResponse,
  AdminModelsResponse,
  AdminOverviewResponse,
  AdminUsersResponse,
  CreateExperimentBody,
  CreatorInsightsResponse,
  Experiment as ExperimentResponse,
  ExperimentReportResponse,
  SetSplitBody,
} from './http/admin-schemas.js';
export * as adminSchemas from './http/admin-schemas.js';
export { type ApiKeyEntry, ApiKeys, MIN_KEY_LENGTH, type Scope, scopes } from './http/api-keys.js';
// For routes mounted on serve's app from above it (the dashboard's JSON API): same validation, errors and document.
export { apiRouter } from './http/api-router.js';
export { ApiError } from './http/errors.js';
export { jsonBody } from './http/json-body.js';
export { ServeMetrics, type ServeMetricsOptions } from './http/metrics.js';
export { errorResponses, jsonContent } from './http/openapi-helpers.js';
export { type PopularFeedOptions, PopularFeedSource } from './http/popular-feed-source.js';
export type {
  ErrorBody,
  EventBody,
  FeedResponse,
  HealthResponse,
  IngestResult,
  ItemBody,
  ItemResponse,
  SimilarResponse,
  UserBody,
  UserResponse,
} from './http/schemas.js';
export {
  defaultLimits,
  MODEL_UPLOAD_ROUTE,
  type ServeApp,
  type ServeLimits,
} from './http/serve-context.js';
export {
  type ColdStartLoadOptions,
  ColdStartPipeline,
  type ColdStartSnapshot,
  interestsOf,
  readCatalogue,
} from './pipelines/coldstart-pipeline.js';
export {
  GENERATIVE_REWARD_FILE,
  generativeLoader,
  saveGenerativeReward,
} from './pipelines/generative-loader.js';
export {
  type ColdStartSummary,
  GenerativePipeline,
  type GenerativePipelineOptions,
} from './pipelines/generative-pipeline.js';
export {
  cascadeDirectoryLoader,
  defaultLoaders,
  modelDirectoryLoader,
  type PipelineLoadContext,
  type PipelineLoader,
} from './pipelines/model-pipeline.js';
export { SasRecPipeline } from './pipelines/sasrec-pipeline.js';
export { checksumOf, directoryChecksum } from './registry/directory-checksum.js';
export type { PublishOptions } from './registry/model-registry.js';
export { ModelRegistry, type ModelRegistryOptions } from './registry/model-registry.js';
export {
  MAX_MODEL_FILE_PATH,
  ModelService,
  type ReceivedModelFile,
} from './registry/model-service.js';
export { type RunningServer, type ServerOptions, startServer } from './server.js';
