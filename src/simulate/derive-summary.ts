import { type Logger, silentLogger } from '../core/index.js';
import { readKuaiRandVideos } from '../data/index.js';
import { locate } from './data-files.js';
import { activityShares, categoriesOf, realWorld } from './real-world.js';
import type { PlaygroundSummary } from './summary.js';

/**
 * Derives the playground summary from the real files: aggregates only (rates,
 * quantiles, shares, histograms, spreads of the fitted taste model), never rows.
 */
export async function deriveSummary(
  root: string,
  options: { seed?: number; logger?: Logger } = {},
): Promise<PlaygroundSummary> {
  const logger = options.logger ?? silentLogger;
  const { world, sources } = await realWorld(root, { seed: options.seed ?? 42, logger });
  const durations: number[] = [];
  const videosByAuthor = new Map<string, number>();
  const tagCounts = new Map<string, number>();
  const dates: string[] = [];
  let videos = 0;
  for await (const video of readKuaiRandVideos(sources.videos)) {
    videos++;
    if (video.durationMs !== undefined && video.durationMs > 0) durations.push(video.durationMs);
    const author = video.author ?? '';
    videosByAuthor.set(author, (videosByAuthor.get(author) ?? 0) + 1);
    const tag = video.tags?.join(',') ?? '';
    tagCounts.set(tag, (tagCounts.get(tag) ?? 0) + 1);
    if (video.uploadTime !== undefined)
      dates.push(new Date(video.uploadTime * 1000).toISOString().slice(0, 10));
  }
  durations.sort((a, b) => a - b);
  dates.sort();
  const authorHistogram = new Map<number, number>();
  for (const count of videosByAuthor.values())
    authorHistogram.set(count, (authorHistogram.get(count) ?? 0) + 1);
  const categories = await categoriesOf(
    locate(root, /^kuairec_caption_category\.csv$/, 'KuaiRec captions', true),
  );
  const activity = await activityShares(
    locate(root, /^user_features_(pure|1k|27k)\.csv$/, 'KuaiRand user features', true),
  );
  logger.info(`summary: ${videos} videos, ${categories.length} categories, ${sources.trainRows} taste rows`);
  const round = (value: number, digits = 6) => Number(value.toPrecision(digits));
  return {
    description:
      'Summary figures of KuaiRand-Pure (video durations, authors, tags, upload dates, user activity, SIGNAL_STATS.md), KuaiRec (first-level category shares) and a logistic factorisation of the KuaiRec small-matrix train split; written by `genfeed simulate --write-summary`. Aggregates only, no rows.',
    signalStats: world.targets,
    durationQuantilesMs: Array.from(
      { length: 21 },
      (_, k) => durations[Math.round((k / 20) * (durations.length - 1))]!,
    ),
    categories: categories.map((entry) => ({ name: entry.name, share: round(entry.share) })),
    videosPerAuthor: [...authorHistogram.entries()]
      .map(([count, authors]) => ({ videos: count, authors }))
      .sort((a, b) => a.videos - b.videos),
    tags: [...tagCounts.entries()]
      .filter(([tag]) => tag !== '')
      .sort((a, b) => b[1] - a[1])
      .slice(0, 40)
      .map(([tag, count]) => ({ tag, share: round(count / videos) })),
    uploadDates: { first: dates[0]!, last: dates[dates.length - 1]! },
    userActivity: activity.map((entry) => ({ degree: entry.degree, share: round(entry.share) })),
    affinity: {
      dimensions: world.catalogue.dimensions,
      itemBiasMean: round(sources.itemBiasMean),
      itemBiasSd: round(sources.itemBiasSd),
      interactionSd: round(sources.interactionSd),
      clusterShare: round(sources.clusterShare),
    },
  };
}
