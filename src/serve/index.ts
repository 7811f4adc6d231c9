export * from './demo/index.js';
export type { FeedSource, PipelineStatus, ServedFeed, SimilarItem } from './feed-source.js';
// The HTTP API (docs/serve.md): app, server, keys, metrics, the model-free feed source and the typed client.
export { type AppOptions, createApp } from './app.js';
export { GenfeedApiError } from './client/api-error.js';
export { type ClientOptions, GenfeedClient } from './client/client.js';
export { type ApiKeyEntry, ApiKeys, MIN_KEY_LENGTH, type Scope, scopes } from './http/api-keys.js';
export { ServeMetrics, type ServeMetricsOptions } from './http/metrics.js';
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
export { defaultLimits, type ServeLimits } from './http/serve-context.js';
export { type RunningServer, type ServerOptions, startServer } from './server.js';
// What `genfeed serve` composes: the feed service over the model registry.
export { FeedService, type FeedServiceOptions } from './feed-service.js';
export { defaultLoaders } from './pipelines/model-pipeline.js';
export { readCatalogue } from './pipelines/coldstart-pipeline.js';
export { ModelRegistry, type ModelRegistryOptions } from './registry/model-registry.js';
