import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore, type Store } from '../../storage/index.js';
import { DAY_MS, dataWindow, newestEventTime } from './data-window.js';

let store: Store;
const day0 = Date.parse('2022-04-08T00:00:00Z');

beforeAll(async () => {
  store = await openSqliteStore({ path: ':memory:' });
});
afterAll(async () => {
  await store.close();
});

describe('the data window', () => {
  it('ends with the day of the newest event, found by binary search', async () => {
    const now = Date.parse('2026-11-26T12:00:00Z');
    expect(await newestEventTime(store, now)).toBeUndefined();
    const empty = await dataWindow(store, undefined, now);
    expect(empty.days).toHaveLength(1);
    expect(empty.until).toBe(Date.parse('2026-11-27T00:00:00Z'));

    const times = [day0 + 5 * 3_600_000, day0 + 2 * DAY_MS + 17 * 3_600_000 + 123, day0 + 2 * DAY_MS + 1];
    await store.upsertEvents(
      times.map((time, index) => ({ id: `e${index}`, userId: 'u', itemId: 'i', time })),
      { createMissing: true },
    );
    expect(await newestEventTime(store, now)).toBe(times[1]);
    // The log spans three days: the default window shows those, not fourteen.
    const fitted = await dataWindow(store, undefined, now);
    expect(fitted.since).toBe(day0);
    expect(fitted.until).toBe(day0 + 3 * DAY_MS);
    expect(fitted.days).toEqual([day0, day0 + DAY_MS, day0 + 2 * DAY_MS]);
    const asked = await dataWindow(store, 7, now);
    expect(asked.days).toHaveLength(7);
    expect(asked.until).toBe(day0 + 3 * DAY_MS);
    await expect(dataWindow(store, 0, now)).rejects.toThrow('days must be an integer in 1..366, got 0');
  });
});
