export {
  type FeedItem,
  type FeedPipeline,
  type FeedRequest,
  type FeedResult,
  type StageCost,
  timeStage,
} from './feed-pipeline.js';
