import {
  type BucketsReport,
  type DataWindow,
  dataWindow,
  ExperimentService,
  ModelService,
} from '../serve/index.js';
import type { Store } from '../storage/index.js';
import type { DashboardOptions } from './dashboard-options.js';
import { type EventScan, scanEvents } from './event-scan.js';
import { PlatformSnapshot } from './platform-snapshot.js';

const CACHE_MS = 30_000;
/** How long a stale result still answers while its refresh runs (past it a view waits for a fresh pass). */
const STALE_MS = 10 * 60_000;

interface CacheEntry<T> {
  at: number;
  value: Promise<T>;
  settled: boolean;
  refreshing: boolean;
}

/**
 * Results of costly passes over a window, kept for 30 s so page after page does
 * not redo them. Past 30 s the last result still answers at once while one
 * refresh runs in the background (stale-while-revalidate): on a large log a cold
 * pass takes seconds, and a view should not wait for it (the soak's dashboard
 * timeouts, docs/soak.md).
 */
class WindowCache<T> {
  readonly #entries = new Map<string, CacheEntry<T>>();

  get(window: DataWindow, compute: () => Promise<T>, name = ''): Promise<T> {
    const key = `${name}:${window.since}:${window.until}`;
    const now = Date.now();
    const cached = this.#entries.get(key);
    if (cached !== undefined && now - cached.at < CACHE_MS) return cached.value;
    if (cached?.settled && now - cached.at < STALE_MS) {
      if (!cached.refreshing) {
        cached.refreshing = true;
        this.#compute(key, compute, cached);
      }
      return cached.value;
    }
    for (const [old, entry] of this.#entries) if (now - entry.at >= STALE_MS) this.#entries.delete(old);
    return this.#compute(key, compute);
  }

  /** Runs `compute` under `key`; a refresh of `stale` replaces it only once it has succeeded. */
  #compute(key: string, compute: () => Promise<T>, stale?: CacheEntry<T>): Promise<T> {
    const entry: CacheEntry<T> = { at: Date.now(), value: compute(), settled: false, refreshing: false };
    if (stale === undefined) this.#entries.set(key, entry);
    entry.value.then(
      () => {
        entry.settled = true;
        this.#entries.set(key, entry);
      },
      () => {
        if (stale === undefined) this.#entries.delete(key);
        else stale.refreshing = false; // the stale result answers on; the next view retries
      },
    );
    return entry.value;
  }
}

/** What every page's data function gets: the options, a clock and the cached passes over the log. */
export class DashboardContext {
  readonly store: Store;
  /** Experiments: the admin API's routes and the Experiments page's forms change them here. */
  readonly experiments: ExperimentService;
  /** Model versions (the admin API's routes and the Models page's forms); absent without a registry. */
  readonly models: ModelService | undefined;
  readonly #scans = new WindowCache<EventScan>();
  readonly #snapshots = new WindowCache<PlatformSnapshot>();
  readonly #aggregates = new WindowCache<unknown>();

  constructor(readonly options: DashboardOptions) {
    this.store = options.store;
    this.experiments = new ExperimentService(options.store);
    this.models =
      options.registry === undefined ? undefined : new ModelService(options.store, options.registry);
  }

  now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** The days shown, ending on the newest event's day: `days`, else up to the options' `days` (default 14). */
  window(days?: number): Promise<DataWindow> {
    return dataWindow(this.store, days, this.now(), this.options.days ?? 14);
  }

  /** One streaming pass over the window's events (Overview). */
  scan(window: DataWindow): Promise<EventScan> {
    return this.#scans.get(window, () => scanEvents(this.store, window));
  }

  /** A page's own costly aggregate of the window under `name` (the Experiments page's statistics). */
  aggregate<T>(name: string, window: DataWindow, compute: () => Promise<T>): Promise<T> {
    return this.#aggregates.get(window, compute, name) as Promise<T>;
  }

  /**
   * The buckets of an experiment (all traffic without one) over the window,
   * the Experiments page's and the admin API's figures. They are passes over
   * the window's log (seconds on a large one): kept 30 s like the overview's
   * scan, so views and refreshes in between cost nothing.
   */
  experimentReport(window: DataWindow, experiment?: string): Promise<BucketsReport> {
    return this.aggregate(`experiments:${experiment ?? ''}`, window, () =>
      this.experiments.report(window, experiment === undefined ? {} : { experiment }),
    );
  }

  /** The window's events and the catalogue in memory (Creator, Items' audience). */
  snapshot(window: DataWindow): Promise<PlatformSnapshot> {
    return this.#snapshots.get(window, () => PlatformSnapshot.load(this.store, window));
  }
}
