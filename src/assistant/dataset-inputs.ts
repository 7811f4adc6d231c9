import type { Dataset } from '../data/index.js';
import type { CreatorEvent, CreatorItem } from './types.js';

/**
 * A loaded data set as the assistant's inputs: interactions become events
 * (seconds to ms), items keep author, caption (text, else title), hashtags
 * (else the source's tags), categories and upload time (seconds to ms).
 */
export function assistantInputs(dataset: Dataset): { events: CreatorEvent[]; items: CreatorItem[] } {
  const table = dataset.interactions;
  const events: CreatorEvent[] = new Array(table.length);
  for (let row = 0; row < table.length; row++) {
    events[row] = {
      userId: table.users.id(table.user[row]!),
      itemId: table.items.id(table.item[row]!),
      time: table.time[row]! * 1000,
    };
  }
  const items: CreatorItem[] = [];
  for (const item of dataset.items.values()) {
    const caption = item.text ?? item.title;
    const hashtags = item.hashtags ?? item.tags;
    items.push({
      id: item.id,
      ...(item.author !== undefined && { author: item.author }),
      ...(caption !== undefined && { caption }),
      ...(hashtags !== undefined && { hashtags }),
      ...(item.categories !== undefined && { categories: item.categories }),
      ...(item.uploadTime !== undefined && { uploadTime: item.uploadTime * 1000 }),
    });
  }
  return { events, items };
}
