// Content understanding and the creator assistant over the store's recent window (docs/serve.md).
export {
  type CreatorTrendsAnswer,
  type InsightsOptions,
  InsightsService,
  InsufficientDataError,
  type ItemTags,
  type PostingTimesAnswer,
  type TitlesAnswer,
  type TrendBin,
  type WindowSummary,
} from './insights-service.js';
export { defaultWindowBounds, readStoreWindow, type StoreWindow, type WindowBounds } from './store-window.js';
export { TtlCache } from './ttl-cache.js';
