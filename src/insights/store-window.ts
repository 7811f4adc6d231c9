import type { EventRecord, ItemRecord, Store } from '../storage/index.js';

/** How much of the store one snapshot may read. */
export interface WindowBounds {
  /** The window [now - windowMs, now] of events read (default 28 days). */
  windowMs: number;
  /** Most events one snapshot holds; a denser window is shortened (halved) until it fits. Default 100,000. */
  maxEvents: number;
  /** Most items one snapshot holds (the watched ones first, then the newest uploads). Default 20,000. */
  maxItems: number;
}

export const defaultWindowBounds: WindowBounds = {
  windowMs: 28 * 86_400_000,
  maxEvents: 100_000,
  maxItems: 20_000,
};

/** The recent log and catalogue the insights are computed from. */
export interface StoreWindow {
  /** Events in [since, until), oldest first. */
  events: EventRecord[];
  items: ItemRecord[];
  since: number;
  until: number;
  /** True when the window was shortened because the full one held more than `maxEvents` events. */
  shortened: boolean;
}

/** Rows per `exportEvents` page while reading a window. */
const PAGE = 10_000;
/** Ids per `getItems` call (well under SQLite's bound-variable limit). */
const ID_BATCH = 500;
/** Halvings of a too-dense window before giving up on completeness (2^-20 of 28 days is ~2 s). */
const MAX_HALVINGS = 20;

/**
 * Reads the most recent complete window of the event log that holds at most
 * `maxEvents` events: the whole `[now - windowMs, now]` when it fits,
 * otherwise its later half, and so on. Each attempt stops reading as soon as
 * it passes the bound, so one snapshot reads at most about
 * `maxEvents + PAGE` rows per halving. Items: every item the events touch
 * (up to `maxItems`), then the newest uploads until `maxItems`, so a creator
 * who just posted is known before anyone watched. Hidden items are left out
 * (a moderated caption must not come back as a title suggestion).
 */
export async function readStoreWindow(store: Store, now: number, bounds: WindowBounds): Promise<StoreWindow> {
  const until = now + 1;
  let since = now - bounds.windowMs;
  let events: EventRecord[] | undefined;
  let halvings = 0;
  for (;;) {
    events = await readEvents(store, since, until, bounds.maxEvents);
    if (events !== undefined || halvings >= MAX_HALVINGS) break;
    since += Math.floor((until - since) / 2);
    halvings++;
  }
  // Still too dense after every halving: keep the latest maxEvents of the last attempt.
  if (events === undefined) {
    const all: EventRecord[] = [];
    for await (const event of store.streamEvents({ since, until, limit: PAGE })) all.push(event);
    events = all.slice(-bounds.maxEvents);
    since = events[0]?.time ?? since;
  }
  const items = await readItems(store, events, bounds.maxItems);
  return { events, items, since, until, shortened: halvings > 0 };
}

/** The events of [since, until), or undefined as soon as there are more than `max`. */
async function readEvents(
  store: Store,
  since: number,
  until: number,
  max: number,
): Promise<EventRecord[] | undefined> {
  const events: EventRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.exportEvents({
      since,
      until,
      limit: PAGE,
      ...(cursor !== undefined && { cursor }),
    });
    events.push(...page.records);
    if (events.length > max) return undefined;
    cursor = page.cursor;
  } while (cursor !== undefined);
  return events;
}

async function readItems(store: Store, events: readonly EventRecord[], max: number): Promise<ItemRecord[]> {
  // Most watched first, so the bound drops the long tail.
  const watched = new Map<string, number>();
  for (const event of events) watched.set(event.itemId, (watched.get(event.itemId) ?? 0) + 1);
  const ids = [...watched]
    .sort((a, b) => b[1] - a[1])
    .slice(0, max)
    .map(([id]) => id);
  const byId = new Map<string, ItemRecord>();
  for (let start = 0; start < ids.length; start += ID_BATCH) {
    for (const item of await store.getItems(ids.slice(start, start + ID_BATCH)))
      if (!item.hidden) byId.set(item.id, item);
  }
  let cursor: string | undefined;
  while (byId.size < max) {
    const page = await store.listItems({
      order: 'newest',
      limit: Math.min(1000, max - byId.size + 1),
      ...(cursor !== undefined && { cursor }),
    });
    for (const item of page.records) {
      if (byId.size >= max) break;
      if (!item.hidden && !byId.has(item.id)) byId.set(item.id, item);
    }
    cursor = page.cursor;
    if (cursor === undefined) break;
  }
  return [...byId.values()];
}
