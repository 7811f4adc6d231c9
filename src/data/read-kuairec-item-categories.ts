import { id, integer, list } from './field-parsers.js';
import { readRows } from './read-rows.js';
import type { Item, ReadOptions } from './types.js';

const featureList = list(integer);

/**
 * Reads KuaiRec `item_categories.csv` (video_id,feat with feat like `[8]` or
 * `"[27, 9]"`): the ids, in the first-level category id space, go to
 * `categoryIds`.
 */
export function readKuaiRecItemCategories(path: string, options: ReadOptions = {}): AsyncGenerator<Item> {
  return readRows(
    path,
    {
      header: ['video_id', 'feat'],
      parse: (row) => ({
        id: row.get('video_id', id),
        categoryIds: row.get('feat', featureList).map(String),
      }),
    },
    options,
  );
}
