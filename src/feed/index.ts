// The contract every feed pipeline meets (generative, cascade, cold start; docs/serve-feeds.md).
export type { CatalogueRecord } from './catalogue-record.js';
export {
  type ColdStartSummary,
  checkFeedRequest,
  type FeedItem,
  type FeedPipeline,
  type FeedRequest,
  type FeedResult,
  type SimilarItem,
  type StageCost,
  timeStage,
} from './feed-pipeline.js';
