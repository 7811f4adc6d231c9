import type { Store } from '../storage/index.js';
import type { DashboardOptions } from './dashboard-options.js';
import { type DataWindow, dataWindow } from './data-window.js';
import { type EventScan, scanEvents } from './event-scan.js';

const CACHE_MS = 30_000;

/** What every page's data function gets: the options, a clock and a short cache of the costly passes. */
export class DashboardContext {
  readonly store: Store;
  private readonly scans = new Map<string, { at: number; scan: Promise<EventScan> }>();

  constructor(readonly options: DashboardOptions) {
    this.store = options.store;
  }

  now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** The days shown: `days` (default the options' or 14) ending on the newest event's day. */
  window(days?: number): Promise<DataWindow> {
    return dataWindow(this.store, days ?? this.options.days ?? 14, this.now());
  }

  /** One pass over the window's events, shared by pages for 30 s. */
  scan(window: DataWindow): Promise<EventScan> {
    const key = `${window.since}:${window.until}`;
    const now = Date.now();
    const cached = this.scans.get(key);
    if (cached !== undefined && now - cached.at < CACHE_MS) return cached.scan;
    for (const [stale, entry] of this.scans) if (now - entry.at >= CACHE_MS) this.scans.delete(stale);
    const scan = scanEvents(this.store, window);
    scan.catch(() => this.scans.delete(key));
    this.scans.set(key, { at: now, scan });
    return scan;
  }
}
