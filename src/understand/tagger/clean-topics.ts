import { normalizeText } from '../text/index.js';

/**
 * Traffic-begging hashtags that say nothing about the video ("上热门", "求关注",
 * "感谢快手我要上热门"). A stop-gap until the hashtag cleaner's classifier is
 * plugged in through the taggers' `topicCleaner` option.
 */
const PROMOTIONAL = /热门|上热|求关注|求赞|点赞|双击|涨粉|推广|小助手|官方大大|快手|抖音|作品推广|粉丝/u;

/** Normalises hashtags (strip '#', NFKC, lower case, trim), drops empty and promotional ones, deduplicates. */
export function cleanTopics(hashtags: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const raw of hashtags) {
    const topic = normalizeText(raw)
      .replace(/^#+|#+$/gu, '')
      .trim();
    if (topic === '' || PROMOTIONAL.test(topic)) continue;
    seen.add(topic);
  }
  return [...seen];
}
