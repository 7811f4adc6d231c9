import type { CreatorItem } from './types.js';

/**
 * The topics of an item: its hashtags as `#tag` (lower-cased, `#` and spaces
 * trimmed, so `#Cat ` and `cat` meet) and each level of its category path as
 * `category:<name>`. Unknown placeholders (`UNKNOWN`, empty) are dropped.
 */
export function topicsOfItem(item: CreatorItem): string[] {
  const topics = new Set<string>();
  for (const tag of item.hashtags ?? []) {
    const normal = normaliseHashtag(tag);
    if (normal) topics.add(`#${normal}`);
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
