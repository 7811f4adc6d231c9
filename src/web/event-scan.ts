import { binarySignals, type EventRecord, type SignalCounts, type Store } from '../storage/index.js';
import { DAY_MS, type DataWindow } from './data-window.js';

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
  /** Events on the author's items by [weekday (0 = Monday) * 24 + UTC hour]. */
  hourWeekday: number[];
}

/** What one pass over a window's events yields for the Overview and Creator pages. */
export interface EventScan {
  window: DataWindow;
  /** Events read (at most `limit`). */
  events: number;
  /** True when the window held more events than `limit`: figures cover the oldest `limit`. */
  truncated: boolean;
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

export interface ScanOptions {
  /** Stop after this many events (default 1,000,000). */
  limit?: number;
}

const BATCH = 2000;

/** Slot of [weekday (Monday = 0) * 24 + hour] in UTC. */
export function hourWeekdaySlot(time: number): number {
  const date = new Date(time);
  return ((date.getUTCDay() + 6) % 7) * 24 + date.getUTCHours();
}

function zeroSignals(): SignalCounts {
  return { click: 0, like: 0, follow: 0, comment: 0, forward: 0, hate: 0, longView: 0, profileEnter: 0 };
}

/**
 * Streams the window's events once (constant memory in the log; the catalogue
 * facts of the items seen are kept) and aggregates them per day, per category,
 * per tag, per author and per hour of the week.
 */
export async function scanEvents(
  store: Store,
  window: DataWindow,
  options: ScanOptions = {},
): Promise<EventScan> {
  const limit = options.limit ?? 1_000_000;
  const facts = new Map<string, ItemFacts>();
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
  const usersPerDay = window.days.map(() => new Set<string>());
  const categories = new Map<string, CategoryFigures>();
  const tags = new Map<string, CategoryFigures>();
  const authors = new Map<string, AuthorFigures & { itemIds: Set<string> }>();
  const hourWeekday = new Array<number>(168).fill(0);
  const middle = window.since + (window.until - window.since) / 2;
  let events = 0;
  let truncated = false;

  const figure = (table: Map<string, CategoryFigures>, name: string): CategoryFigures => {
    let entry = table.get(name);
    if (entry === undefined) {
      entry = { name, events: 0, playTimeMs: 0, earlierEvents: 0, laterEvents: 0 };
      table.set(name, entry);
    }
    return entry;
  };

  const aggregate = async (batch: EventRecord[]): Promise<void> => {
    const missing = [...new Set(batch.map((event) => event.itemId).filter((id) => !facts.has(id)))];
    for (const item of await store.getItems(missing)) {
      facts.set(item.id, {
        aiGenerated: item.aiGenerated,
        category: item.categories[0] ?? '(none)',
        tags: item.tags,
        author: item.author,
      });
    }
    for (const event of batch) {
      const day = Math.floor((event.time - window.since) / DAY_MS);
      const figures = perDay[day];
      if (figures === undefined) continue;
      const item = facts.get(event.itemId);
      const playTimeMs = event.signals.playTimeMs ?? 0;
      const later = event.time >= middle;
      figures.events++;
      figures.playTimeMs += playTimeMs;
      usersPerDay[day]!.add(event.userId);
      for (const signal of binarySignals) if ((event.signals[signal] ?? 0) > 0) figures.signals[signal]++;
      const slot = hourWeekdaySlot(event.time);
      hourWeekday[slot]!++;
      if (item === undefined) continue;
      if (item.aiGenerated) {
        figures.aiEvents++;
        figures.aiPlayTimeMs += playTimeMs;
      }
      for (const [table, names] of [
        [categories, [item.category]],
        [tags, item.tags],
      ] as const) {
        for (const name of names) {
          const entry = figure(table, name);
          entry.events++;
          entry.playTimeMs += playTimeMs;
          if (later) entry.laterEvents++;
          else entry.earlierEvents++;
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
            hourWeekday: new Array<number>(168).fill(0),
            itemIds: new Set(),
          };
          authors.set(item.author, author);
        }
        author.events++;
        author.playTimeMs += playTimeMs;
        author.hourWeekday[slot]!++;
        author.itemIds.add(event.itemId);
      }
    }
  };

  let batch: EventRecord[] = [];
  // Pages of one batch (not the store's default 10,000): a pass holds at most ~2 batches of rows at once.
  for await (const event of store.streamEvents({ since: window.since, until: window.until, limit: BATCH })) {
    if (events >= limit) {
      truncated = true;
      break;
    }
    events++;
    batch.push(event);
    if (batch.length >= BATCH) {
      await aggregate(batch);
      batch = [];
    }
  }
  await aggregate(batch);
  perDay.forEach((figures, day) => {
    figures.users = usersPerDay[day]!.size;
  });
  const byEvents = (a: { events: number }, b: { events: number }) => b.events - a.events;
  return {
    window,
    events,
    truncated,
    perDay,
    categories: [...categories.values()].sort(byEvents),
    tags: [...tags.values()].sort(byEvents),
    hourWeekday,
    authors: [...authors.values()]
      .map(({ itemIds, ...author }) => ({ ...author, items: itemIds.size }))
      .sort(byEvents),
  };
}
