import type { MovieLensTag } from './read-movielens-tags.js';
import type { Item } from './types.js';

/**
 * Adds each tag to its item's `tags` (once per distinct tag, first-seen order),
 * creating a bare item for a tagged id `items` does not hold yet.
 */
export async function foldTagsIntoItems(
  items: Map<string, Item>,
  tags: AsyncIterable<MovieLensTag> | Iterable<MovieLensTag>,
): Promise<Map<string, Item>> {
  for await (const { item: itemId, tag } of tags) {
    let item = items.get(itemId);
    if (item === undefined) {
      item = { id: itemId };
      items.set(itemId, item);
    }
    if (item.tags === undefined) item.tags = [tag];
    else if (!item.tags.includes(tag)) item.tags.push(tag);
  }
  return items;
}
