import type { Store } from '../storage/index.js';
import type { DashboardOptions } from './dashboard-options.js';
import { type DataWindow, dataWindow } from './data-window.js';
import { type EventScan, scanEvents } from './event-scan.js';
import { PlatformSnapshot } from './platform-snapshot.js';

const CACHE_MS = 30_000;

/** Results of costly passes over a window, kept for 30 s so page after page does not redo them. */
class WindowCache<T> {
  readonly #entries = new Map<string, { at: number; value: Promise<T> }>();

  get(window: DataWindow, compute: () => Promise<T>, name = ''): Promise<T> {
    const key = `${name}:${window.since}:${window.until}`;
    const now = Date.now();
    const cached = this.#entries.get(key);
    if (cached !== undefined && now - cached.at < CACHE_MS) return cached.value;
    for (const [stale, entry] of this.#entries) if (now - entry.at >= CACHE_MS) this.#entries.delete(stale);
    const value = compute();
    value.catch(() => this.#entries.delete(key));
    this.#entries.set(key, { at: now, value });
    return value;
  }
}

/** What every page's data function gets: the options, a clock and the cached passes over the log. */
export class DashboardContext {
  readonly store: Store;
  readonly #scans = new WindowCache<EventScan>();
  readonly #snapshots = new WindowCache<PlatformSnapshot>();
  readonly #aggregates = new WindowCache<unknown>();

  constructor(readonly options: DashboardOptions) {
    this.store = options.store;
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

  /** The window's events and the catalogue in memory (Creator, Items' audience). */
  snapshot(window: DataWindow): Promise<PlatformSnapshot> {
    return this.#snapshots.get(window, () => PlatformSnapshot.load(this.store, window));
  }
}
