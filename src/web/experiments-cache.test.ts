import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { openSqliteStore, type Store } from '../storage/index.js';
import { DashboardContext } from './dashboard-context.js';
import { experimentsData } from './experiments-page.js';

describe('the Experiments page statistics', () => {
  const opened: Store[] = [];
  afterAll(async () => {
    for (const store of opened) await store.close();
  });

  it('are computed once per window and experiment for 30 s, while the experiment list stays fresh', async () => {
    const store = await openSqliteStore({ path: ':memory:' });
    opened.push(store);
    const now = Date.now();
    await store.upsertItems([{ id: 'video-1', uploadTime: now - 3_600_000 }]);
    await store.upsertEvents([{ id: 'e1', userId: 'u1', itemId: 'video-1', time: now - 60_000 }], {
      createMissing: true,
    });
    const calls = { stats: 0, lists: 0 };
    const counting = new Proxy(store, {
      get: (target, key) => {
        const value = Reflect.get(target, key, target);
        if (typeof value !== 'function') return value;
        const counter = key === 'pipelineStats' ? 'stats' : key === 'listExperiments' ? 'lists' : undefined;
        if (counter === undefined) return value.bind(target);
        return (...args: unknown[]) => {
          calls[counter] += 1;
          return value.apply(target, args);
        };
      },
    });
    const context = new DashboardContext({ store: counting, authorize: () => ['admin'] });
    const first = await experimentsData(context, {});
    const statsAfterFirst = calls.stats;
    expect(statsAfterFirst).toBeGreaterThan(0);
    const second = await experimentsData(context, {});
    expect(calls.stats).toBe(statsAfterFirst);
    expect(calls.lists).toBe(2);
    expect(second).toEqual(first);
    // Another experiment is another report.
    await store.putExperiment({ name: 'ab', split: { generative: 1, cascade: 1 } });
    await experimentsData(context, { experiment: 'ab' });
    expect(calls.stats).toBeGreaterThan(statsAfterFirst);
  });
});

describe('the dashboard cache past 30 s', () => {
  afterEach(() => vi.useRealTimers());

  it('answers the stale result at once and refreshes it in the background, once', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const store = await openSqliteStore({ path: ':memory:' });
    const context = new DashboardContext({ store, authorize: () => ['admin'] });
    const window = { since: 0, until: 1, days: [0] };
    let runs = 0;
    let release: () => void = () => {};
    const compute = () => {
      runs += 1;
      const run = runs;
      // The first pass answers at once; the refresh waits until released.
      return run === 1
        ? Promise.resolve(run)
        : new Promise<number>((resolve) => (release = () => resolve(run)));
    };
    expect(await context.aggregate('x', window, compute)).toBe(1);
    vi.setSystemTime(Date.now() + 31_000);
    expect(await context.aggregate('x', window, compute)).toBe(1); // stale, refresh started
    expect(await context.aggregate('x', window, compute)).toBe(1); // no second refresh
    expect(runs).toBe(2);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(await context.aggregate('x', window, compute)).toBe(2);
    // Past 10 minutes a view waits for a fresh pass.
    vi.setSystemTime(Date.now() + 11 * 60_000);
    const fresh = context.aggregate('x', window, compute);
    release();
    expect(await fresh).toBe(3);
    await store.close();
  });
});
