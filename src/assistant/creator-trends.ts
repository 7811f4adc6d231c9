import { NotFoundError } from '../core/index.js';
import { type TopicSeriesOptions, topicSeries } from './topic-series.js';
import { TopicCooccurrence } from './topic-similarity.js';
import { topicsOfItem } from './topics.js';
import { type TopicTrend, type TrendingOptions, trendingTopics } from './trending-topics.js';
import type { CreatorEvent, CreatorItem } from './types.js';

export interface CreatorTrendsOptions extends TrendingOptions, TopicSeriesOptions {
  /** How many trends to return (default 10). */
  limit?: number;
}

export interface CreatorTrend extends TopicTrend {
  /** Cosine between the topic and the creator's niche (topic co-occurrence space). */
  similarity: number;
  /** The creator already uses this topic. */
  own: boolean;
  /** similarity * max(peakZ, 0) + the growth term: what the list is sorted by. */
  score: number;
}

/**
 * Inspiration for a creator: the rising topics of the event log (seasonal
 * bursts and growth, `trendingTopics`) closest to the creator's niche (the
 * topics and categories of their own items), each with its evidence.
 * Throws `NotFoundError` when no item has `creatorId` as author.
 */
export function creatorTrends(
  creatorId: string,
  events: Iterable<CreatorEvent>,
  items: readonly CreatorItem[],
  options: CreatorTrendsOptions = {},
): CreatorTrend[] {
  const own = items.filter((item) => item.author === creatorId);
  if (own.length === 0) throw new NotFoundError(`Creator ${creatorId} has no items in the catalogue`);
  const series = topicSeries(events, items, options);
  const trends = trendingTopics(series, options);
  const space = new TopicCooccurrence(items.map(topicsOfItem));
  const profile = space.profile(own, topicsOfItem);
  const ownTopics = new Set(own.flatMap(topicsOfItem));
  const scored = trends.map((trend): CreatorTrend => {
    const similarity = space.similarity(trend.topic, profile);
    const lift = Math.max(trend.peakZ, 0) + Math.log1p(Math.max(trend.growthPercent, 0) / 100);
    return { ...trend, similarity, own: ownTopics.has(trend.topic), score: similarity * lift };
  });
  return scored
    .filter((trend) => trend.similarity > 0)
    .sort((a, b) => b.score - a.score || a.topic.localeCompare(b.topic))
    .slice(0, options.limit ?? 10);
}
