export * from './demo/index.js';
export type { FeedSource, PipelineStatus, ServedFeed, SimilarItem } from './feed-source.js';
