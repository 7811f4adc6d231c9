import type { CatalogueRecord } from '../feed/index.js';
import type { ItemSide } from './item-side.js';

/** The tables a trained reward model has (its config): an item side for it must fit them. */
export interface ItemSideLimits {
  numItems: number;
  numAuthors: number;
  numCategories: number;
}

/**
 * The reward model's item side of catalogue records in item order: authors and
 * first categories numbered by first appearance, -1 when absent. Training
 * (over the store's catalogue) and serving (over the model's items, the same
 * order) number them with this one function, so the embeddings line up. With
 * `limits` (serving a trained model) only its first `numItems` items count and
 * a number beyond its tables becomes -1 (an author or category it never saw).
 */
export function itemSideOfRecords(
  records: readonly Pick<CatalogueRecord, 'author' | 'categories' | 'durationMs'>[],
  limits?: ItemSideLimits,
): ItemSide {
  const numItems = limits?.numItems ?? records.length;
  const authors = new Map<string, number>();
  const categories = new Map<string, number>();
  const author = new Int32Array(numItems).fill(-1);
  const category = new Int32Array(numItems).fill(-1);
  const durationMs = new Float32Array(numItems);
  for (let item = 0; item < Math.min(numItems, records.length); item++) {
    const record = records[item]!;
    const a = numberOf(authors, record.author);
    const c = numberOf(categories, record.categories[0]);
    author[item] = a < (limits?.numAuthors ?? Number.POSITIVE_INFINITY) ? a : -1;
    category[item] = c < (limits?.numCategories ?? Number.POSITIVE_INFINITY) ? c : -1;
    durationMs[item] = record.durationMs ?? 0;
  }
  return {
    numItems,
    numAuthors: limits?.numAuthors ?? authors.size,
    numCategories: limits?.numCategories ?? categories.size,
    author,
    category,
    durationMs,
  };
}

/** The number of `key` in `numbers`, the next free one when it is new; -1 for no key. */
function numberOf(numbers: Map<string, number>, key: string | undefined): number {
  if (key === undefined) return -1;
  let value = numbers.get(key);
  if (value === undefined) {
    value = numbers.size;
    numbers.set(key, value);
  }
  return value;
}
