import type { Signals } from '../data/index.js';

/**
 * What the assistant reads: the platform's event log and catalogue, shaped like
 * the store's records (times in unix milliseconds), so the server can pass
 * `EventRecord`s and `ItemRecord`s straight through.
 */

/** One user action on one item (an impression, a view, a like...). */
export interface CreatorEvent {
  userId: string;
  itemId: string;
  /** Unix ms. */
  time: number;
  /** KuaiRand-style signals; `follow: 1` marks the user as a fan of the item's author. */
  signals?: Readonly<Signals>;
}

/** One video of the catalogue. */
export interface CreatorItem {
  id: string;
  author?: string;
  caption?: string;
  hashtags?: readonly string[];
  /** Category path from coarse to fine. */
  categories?: readonly string[];
  /** Unix ms. */
  uploadTime?: number;
}

export const HOURS_PER_WEEK = 168;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;
