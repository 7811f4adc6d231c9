import type { CreatorEvent } from './types.js';

export interface ItemEngagement {
  /** Events on the item (views, ratings...). */
  events: number;
  /** Events carrying an explicit positive signal (like, follow, comment or forward). */
  positives: number;
}

/** Per item, how many events it drew and how many of them were explicit positives. */
export function itemEngagement(events: Iterable<CreatorEvent>): Map<string, ItemEngagement> {
  const engagement = new Map<string, ItemEngagement>();
  for (const event of events) {
    let entry = engagement.get(event.itemId);
    if (!entry) {
      entry = { events: 0, positives: 0 };
      engagement.set(event.itemId, entry);
    }
    entry.events++;
    const signals = event.signals;
    if (
      signals &&
      (signals.like === 1 || signals.follow === 1 || signals.comment === 1 || signals.forward === 1)
    )
      entry.positives++;
  }
  return engagement;
}
