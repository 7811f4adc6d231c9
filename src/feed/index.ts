// The contract every feed pipeline meets (generative, cascade, cold start; docs/serve-feeds.md).
export {
  type FeedItem,
  type FeedPipeline,
  type FeedRequest,
  type FeedResult,
  type StageCost,
  timeStage,
} from './feed-pipeline.js';
