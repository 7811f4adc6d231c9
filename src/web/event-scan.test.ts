import { afterEach, describe, expect, it } from 'vitest';
import { Random } from '../core/index.js';
import { DAY_MS, dataWindow } from '../serve/index.js';
import { binarySignals, type EventInput, openSqliteStore, type Store } from '../storage/index.js';
import { hourWeekdaySlot, scanEvents } from './event-scan.js';

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

const ITEMS: Array<{
  id: string;
  author?: string;
  categories: string[];
  tags: string[];
  aiGenerated: boolean;
}> = [
  { id: 'v1', author: 'ann', categories: ['food'], tags: ['cake', 'sweet'], aiGenerated: false },
  { id: 'v2', author: 'ann', categories: ['food', 'travel'], tags: ['sweet'], aiGenerated: true },
  { id: 'v3', author: 'bob', categories: ['travel'], tags: [], aiGenerated: false },
  { id: 'v4', categories: [], tags: ['cake'], aiGenerated: true },
];
const BARE = { id: 'bare', categories: [], tags: [], aiGenerated: false };

describe('scanEvents', () => {
  it('matches a pass over every event: per day, category, tag, author and hour of the week', async () => {
    store = await openSqliteStore({ path: ':memory:' });
    await store.upsertItems(ITEMS);
    const random = new Random(3);
    const start = Date.UTC(2026, 2, 2); // a Monday
    const events: EventInput[] = [];
    for (let k = 0; k < 400; k++) {
      const item = ITEMS[random.int(ITEMS.length)]!;
      events.push({
        id: `e${k}`,
        userId: `u${random.int(12)}`,
        itemId: k % 50 === 0 ? 'bare' : item.id, // `createMissing` adds a bare item: no category, tags or author
        time: start + Math.floor(random.next() * 3 * DAY_MS),
        signals: {
          playTimeMs: Math.round(random.next() * 20_000),
          click: random.next() < 0.5 ? 1 : 0,
          like: random.next() < 0.1 ? 1 : 0,
          longView: random.next() < 0.3 ? 1 : 0,
        },
      });
    }
    await store.upsertEvents(events, { createMissing: true });
    const window = await dataWindow(store, 2, start + 3 * DAY_MS);
    const scan = await scanEvents(store, window);

    // The reference: every event of the window, one at a time.
    const inWindow = events.filter((event) => event.time >= window.since && event.time < window.until);
    const middle = window.since + (window.until - window.since) / 2;
    expect(scan.events).toBe(inWindow.length);
    const perDay = window.days.map((day) => {
      const during = inWindow.filter((event) => event.time >= day && event.time < day + DAY_MS);
      const ai = during.filter((event) => ITEMS.find((item) => item.id === event.itemId)?.aiGenerated);
      const play = (list: EventInput[]) =>
        list.reduce((sum, event) => sum + (event.signals?.playTimeMs ?? 0), 0);
      return {
        day,
        events: during.length,
        users: new Set(during.map((event) => event.userId)).size,
        playTimeMs: play(during),
        aiEvents: ai.length,
        aiPlayTimeMs: play(ai),
        signals: Object.fromEntries(
          binarySignals.map((signal) => [
            signal,
            during.filter((event) => (event.signals?.[signal] ?? 0) > 0).length,
          ]),
        ),
      };
    });
    expect(scan.perDay).toEqual(perDay);

    const hourWeekday = new Array<number>(168).fill(0);
    for (const event of inWindow) hourWeekday[hourWeekdaySlot(event.time)]!++;
    expect(scan.hourWeekday).toEqual(hourWeekday);

    const byName = (names: (item: (typeof ITEMS)[number]) => string[]) => {
      const table = new Map<
        string,
        { events: number; playTimeMs: number; earlierEvents: number; laterEvents: number }
      >();
      for (const event of inWindow) {
        const item = [...ITEMS, BARE].find((entry) => entry.id === event.itemId)!;
        for (const name of names(item)) {
          const entry = table.get(name) ?? { events: 0, playTimeMs: 0, earlierEvents: 0, laterEvents: 0 };
          entry.events++;
          entry.playTimeMs += event.signals?.playTimeMs ?? 0;
          if (event.time >= middle) entry.laterEvents++;
          else entry.earlierEvents++;
          table.set(name, entry);
        }
      }
      return Object.fromEntries(table);
    };
    const asTable = (rows: Array<{ name: string }>) =>
      Object.fromEntries(rows.map(({ name, ...rest }) => [name, rest]));
    expect(asTable(scan.categories)).toEqual(byName((item) => [item.categories[0] ?? '(none)']));
    expect(asTable(scan.tags)).toEqual(byName((item) => item.tags));
    expect(scan.categories.map((entry) => entry.events)).toEqual(
      [...scan.categories.map((entry) => entry.events)].sort((a, b) => b - a),
    );

    const ann = scan.authors.find((entry) => entry.author === 'ann')!;
    const annEvents = inWindow.filter((event) => event.itemId === 'v1' || event.itemId === 'v2');
    expect(ann.events).toBe(annEvents.length);
    expect(ann.items).toBe(new Set(annEvents.map((event) => event.itemId)).size);
    expect(scan.authors.map((entry) => entry.author).sort()).toEqual(['ann', 'bob']);
  });

  it('reads an empty window as zeros', async () => {
    store = await openSqliteStore({ path: ':memory:' });
    const window = await dataWindow(store, 3, Date.UTC(2026, 2, 2));
    const scan = await scanEvents(store, window);
    expect(scan.events).toBe(0);
    expect(scan.perDay.map((day) => day.events + day.users)).toEqual([0, 0, 0]);
    expect(scan.categories).toEqual([]);
  });
});
