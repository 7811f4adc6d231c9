import type { FeedPipeline } from '../cascade/index.js';
import type { Store } from '../storage/index.js';

/**
 * What the dashboard reads. Only the store is required: every page draws its
 * figures from it. The other providers come from the serving side (pipelines,
 * similar items) and from the understanding / assistant modules; a page whose
 * provider is absent says so instead of showing made-up numbers.
 */
export interface DashboardOptions {
  store: Store;
  /**
   * The scopes an API key grants, or undefined for an unknown key. Pages and
   * `/v1/admin/*` need `admin`; the creator page and `/v1/creator/*` accept
   * `admin` or `creator`.
   */
  authorize: (key: string) => readonly string[] | undefined | Promise<readonly string[] | undefined>;
  /** The pipelines the server runs now (the Users page asks each for a feed, without logging it). */
  pipelines?: () => readonly FeedPipeline[];
  /** Items similar to an item (the serving side's item-to-item). */
  similar?: (itemId: string, n: number) => Promise<ReadonlyArray<{ itemId: string; score: number }>>;
  /** The users most likely to watch an item (content understanding's audience finding). */
  audience?: (itemId: string, n: number) => Promise<ReadonlyArray<{ userId: string; score: number }>>;
  /** An item's hashtags after cleaning (content understanding). */
  cleanHashtags?: (hashtags: readonly string[]) => string[] | Promise<string[]>;
  /** Title suggestions for a creator (the creator assistant). */
  suggestTitles?: (
    author: string,
    options: { caption?: string },
  ) => Promise<ReadonlyArray<{ title: string; score?: number }>>;
  /** Folder of `bench/results/*.json` for the Models page's offline figures and anchors (default `bench/results`). */
  benchResultsDir?: string;
  /** Days shown on time charts (default 14), ending at the newest event. */
  days?: number;
  /** Clock, for tests (default `Date.now`). */
  now?: () => number;
  /** No-repeat window of the Users page's feeds, ms (default 7 days). */
  noRepeatWindowMs?: number;
}
