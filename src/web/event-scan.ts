import { DAY_MS, type DataWindow } from '../serve/index.js';
import { binarySignals, type SignalCounts, type Store } from '../storage/index.js';

export interface DayFigures {
  day: number;
  events: number;
  /** Distinct users with an event that day. */
  users: number;
  playTimeMs: number;
  /** Events and watch time on items flagged AI-generated. */
  aiEvents: number;
  aiPlayTimeMs: number;
  signals: SignalCounts;
}

export interface CategoryFigures {
  name: string;
  events: number;
  playTimeMs: number;
  /** Events in the earlier and the later half of the window (for trends). */
  earlierEvents: number;
  laterEvents: number;
}

export interface AuthorFigures {
  author: string;
  events: number;
  playTimeMs: number;
  items: number;
}

/** What the Overview and Creator pages read about a window's events. */
export interface EventScan {
  window: DataWindow;
  /** Events in the window. */
  events: number;
  perDay: DayFigures[];
  /** By top-level category, most events first. */
  categories: CategoryFigures[];
  /** By content tag, most events first. */
  tags: CategoryFigures[];
  /** Every event by [weekday * 24 + UTC hour]. */
  hourWeekday: number[];
  /** By author, most events first. */
  authors: AuthorFigures[];
}

interface ItemFacts {
  aiGenerated: boolean;
  category: string;
  tags: string[];
  author: string | undefined;
}

const ITEM_BATCH = 2000;

/** Slot of [weekday (Monday = 0) * 24 + hour] in UTC. */
export function hourWeekdaySlot(time: number): number {
  const date = new Date(time);
  return ((date.getUTCDay() + 6) % 7) * 24 + date.getUTCHours();
}

function zeroSignals(): SignalCounts {
  return { click: 0, like: 0, follow: 0, comment: 0, forward: 0, hate: 0, longView: 0, profileEnter: 0 };
}

/**
 * The window's events summed per day, per category, per tag, per author and
 * per hour of the week, from the store's sums per (item, half day) and per
 * hour and its daily active users: the database aggregates, the server never
 * holds the events (memory grows with the items active in the window, not
 * with the log).
 */
export async function scanEvents(store: Store, window: DataWindow): Promise<EventScan> {
  const range = { since: window.since, until: window.until };
  // Half days: the window is whole UTC days, so its middle (earlier / later) falls on a bucket's edge.
  const [buckets, hours, activeUsers] = await Promise.all([
    store.itemTimeStats({ ...range, bucketMs: DAY_MS / 2 }),
    store.hourlyEvents(range),
    store.dailyActiveUsers(range),
  ]);
  const facts = new Map<string, ItemFacts>();
  const itemIds = [...new Set(buckets.map((row) => row.itemId))];
  for (let start = 0; start < itemIds.length; start += ITEM_BATCH) {
    for (const item of await store.getItems(itemIds.slice(start, start + ITEM_BATCH))) {
      facts.set(item.id, {
        aiGenerated: item.aiGenerated,
        category: item.categories[0] ?? '(none)',
        tags: item.tags,
        author: item.author,
      });
    }
  }
  const perDay = window.days.map(
    (day): DayFigures => ({
      day,
      events: 0,
      users: 0,
      playTimeMs: 0,
      aiEvents: 0,
      aiPlayTimeMs: 0,
      signals: zeroSignals(),
    }),
  );
  for (const { day, users } of activeUsers) {
    const figures = perDay[Math.floor((day - window.since) / DAY_MS)];
    if (figures !== undefined) figures.users = users;
  }
  const categories = new Map<string, CategoryFigures>();
  const tags = new Map<string, CategoryFigures>();
  const authors = new Map<string, AuthorFigures & { itemIds: Set<string> }>();
  const hourWeekday = new Array<number>(168).fill(0);
  for (const { hour, events } of hours) hourWeekday[hourWeekdaySlot(hour)]! += events;
  const middle = window.since + (window.until - window.since) / 2;
  let events = 0;

  const figure = (table: Map<string, CategoryFigures>, name: string): CategoryFigures => {
    let entry = table.get(name);
    if (entry === undefined) {
      entry = { name, events: 0, playTimeMs: 0, earlierEvents: 0, laterEvents: 0 };
      table.set(name, entry);
    }
    return entry;
  };

  for (const row of buckets) {
    const figures = perDay[Math.floor((row.start - window.since) / DAY_MS)];
    if (figures === undefined) continue;
    events += row.events;
    figures.events += row.events;
    figures.playTimeMs += row.playTimeMs;
    for (const signal of binarySignals) figures.signals[signal] += row.signals[signal];
    const item = facts.get(row.itemId);
    if (item === undefined) continue;
    if (item.aiGenerated) {
      figures.aiEvents += row.events;
      figures.aiPlayTimeMs += row.playTimeMs;
    }
    const later = row.start >= middle;
    for (const [table, names] of [
      [categories, [item.category]],
      [tags, item.tags],
    ] as const) {
      for (const name of names) {
        const entry = figure(table, name);
        entry.events += row.events;
        entry.playTimeMs += row.playTimeMs;
        if (later) entry.laterEvents += row.events;
        else entry.earlierEvents += row.events;
      }
    }
    if (item.author !== undefined) {
      let author = authors.get(item.author);
      if (author === undefined) {
        author = {
          author: item.author,
          events: 0,
          playTimeMs: 0,
          items: 0,
          itemIds: new Set(),
        };
        authors.set(item.author, author);
      }
      author.events += row.events;
      author.playTimeMs += row.playTimeMs;
      author.itemIds.add(row.itemId);
    }
  }
  const byEvents = (a: { events: number }, b: { events: number }) => b.events - a.events;
  return {
    window,
    events,
    perDay,
    categories: [...categories.values()].sort(byEvents),
    tags: [...tags.values()].sort(byEvents),
    hourWeekday,
    authors: [...authors.values()]
      .map(({ itemIds, ...author }) => ({ ...author, items: itemIds.size }))
      .sort(byEvents),
  };
}
