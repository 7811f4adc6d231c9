import type { CreatorEvent } from '../assistant/index.js';
import { type DataWindow, readCatalogue } from '../serve/index.js';
import type { ItemRecord, Store } from '../storage/index.js';
import { AudienceFinder, interestLog } from '../understand/index.js';

/**
 * The window's events and the whole catalogue in memory, in the shapes the
 * assistant and audience finding read (they are pure functions over arrays).
 * Bounded by `maxEvents`; the dashboard caches one per window for 30 s.
 */
export class PlatformSnapshot {
  #audience: { finder: AudienceFinder; users: string[]; userIndex: Map<string, number> } | undefined;
  readonly itemIndex: Map<string, number>;

  private constructor(
    readonly window: DataWindow,
    readonly events: CreatorEvent[],
    readonly items: ItemRecord[],
    readonly truncated: boolean,
  ) {
    this.itemIndex = new Map(items.map((item, index) => [item.id, index]));
  }

  static async load(store: Store, window: DataWindow, maxEvents = 500_000): Promise<PlatformSnapshot> {
    const events: CreatorEvent[] = [];
    let truncated = false;
    for await (const event of store.streamEvents({ since: window.since, until: window.until })) {
      if (events.length >= maxEvents) {
        truncated = true;
        break;
      }
      events.push({ userId: event.userId, itemId: event.itemId, time: event.time, signals: event.signals });
    }
    const items = await readCatalogue(store);
    return new PlatformSnapshot(window, events, items, truncated);
  }

  /**
   * Users most likely to watch `itemId` (understand's AudienceFinder: content
   * profile from tags, categories and hashtags; item-kNN; activity), leaving
   * out users who already watched it. Interests are the window's events with a
   * long view, like, follow, comment or forward.
   */
  audience(itemId: string, count: number): Array<{ userId: string; score: number }> {
    const item = this.itemIndex.get(itemId);
    if (item === undefined) return [];
    this.#audience ??= this.#buildAudience();
    const { finder, users, userIndex } = this.#audience;
    const watched = new Set<number>();
    for (const event of this.events) if (event.itemId === itemId) watched.add(userIndex.get(event.userId)!);
    const scores = finder.scores(item);
    return finder
      .top(item, count, { exclude: watched })
      .map((user) => ({ userId: users[user]!, score: scores[user]! }));
  }

  #buildAudience() {
    const users = [...new Set(this.events.map((event) => event.userId))];
    const userIndex = new Map(users.map((user, index) => [user, index]));
    const pairs: Array<[number, number]> = [];
    for (const event of this.events) {
      const signals = event.signals;
      const interested =
        signals !== undefined &&
        (signals.longView === 1 ||
          signals.like === 1 ||
          signals.follow === 1 ||
          signals.comment === 1 ||
          signals.forward === 1);
      const item = this.itemIndex.get(event.itemId);
      if (interested && item !== undefined) pairs.push([userIndex.get(event.userId)!, item]);
    }
    const log = interestLog(users.length, this.items.length, pairs);
    const tokens = this.items.map((item) => [...item.tags, ...item.categories, ...item.hashtags]);
    return { finder: new AudienceFinder(log, tokens), users, userIndex };
  }
}
