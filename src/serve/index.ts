export type { FeedSource, PipelineStatus, ServedFeed, SimilarItem } from './feed-source.js';
