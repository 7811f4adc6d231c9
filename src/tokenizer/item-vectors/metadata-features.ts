import type { Item } from '../../data/index.js';
import { textTokens } from './text-tokens.js';

/** The metadata fields content vectors read; each is weighted as one block. */
export type ContentField = 'tags' | 'hashtags' | 'categories' | 'author' | 'text';

export const contentFields: readonly ContentField[] = ['tags', 'hashtags', 'categories', 'author', 'text'];

/**
 * The sparse features of one item, per field, as prefixed strings (a tag "12"
 * and a word "12" are different features). A category path [a, b, c] gives the
 * features a, a>b and a>b>c, so siblings share their parent.
 */
export function metadataFeatures(item: Item): Map<ContentField, string[]> {
  const features = new Map<ContentField, string[]>();
  const add = (field: ContentField, values: string[]): void => {
    if (values.length > 0) features.set(field, [...(features.get(field) ?? []), ...values]);
  };
  add(
    'tags',
    (item.tags ?? []).map((tag) => `tag:${tag}`),
  );
  add(
    'hashtags',
    (item.hashtags ?? [])
      .map((tag) => `hashtag:${tag.replace(/^#/, '').toLowerCase()}`)
      .filter((f) => f !== 'hashtag:'),
  );
  add('categories', pathPrefixes('category', item.categories));
  add('categories', pathPrefixes('categoryId', item.categoryIds));
  if (item.author !== undefined && item.author !== '') add('author', [`author:${item.author}`]);
  const text = [item.title, item.text, item.coverText].filter((part) => part !== undefined).join('\n');
  add(
    'text',
    textTokens(text).map((token) => `text:${token}`),
  );
  return features;
}

function pathPrefixes(prefix: string, path: readonly string[] | undefined): string[] {
  if (path === undefined) return [];
  return path.map((_, i) => `${prefix}:${path.slice(0, i + 1).join('>')}`);
}
