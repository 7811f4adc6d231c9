import { normalizeHashtag, promoKeywordRule } from '../understand/index.js';
import type { CreatorItem } from './types.js';

/**
 * The topics of an item: its hashtags as `#tag` (lower-cased, `#` and spaces
 * trimmed, so `#Cat ` and `cat` meet) and each level of its category path as
 * `category:<name>`. Unknown placeholders (`UNKNOWN`, empty) are dropped, and so
 * are traffic-begging hashtags ("#上热门", "#感谢快手我要上热门", by `understand`'s
 * keyword rule): they are on every kind of video and would trend forever.
 */
export function topicsOfItem(item: CreatorItem): string[] {
  const topics = new Set<string>();
  for (const tag of item.hashtags ?? []) {
    const normal = normaliseHashtag(tag);
    if (normal && promoKeywordRule(normalizeHashtag(normal)) === 'content') topics.add(`#${normal}`);
  }
  for (const category of item.categories ?? []) {
    const name = category.trim();
    if (name && name.toUpperCase() !== 'UNKNOWN') topics.add(`category:${name}`);
  }
  return [...topics];
}

export function normaliseHashtag(tag: string): string {
  const normal = tag.replace(/^[#＃\s]+|[#＃\s]+$/g, '').toLowerCase();
  return normal.toUpperCase() === 'UNKNOWN' ? '' : normal;
}

/** Item id -> its topics, computed once per catalogue. */
export function topicIndex(items: Iterable<CreatorItem>): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const item of items) index.set(item.id, topicsOfItem(item));
  return index;
}
