import type { TitleProvider } from '../assistant/index.js';
import type { Logger } from '../core/index.js';
import type { FeedPipeline } from '../feed/index.js';
import type { ModelRegistry } from '../serve/index.js';
import type { Store } from '../storage/index.js';
import type { SessionStore } from './session-store.js';

/**
 * What the dashboard reads. Only the store is required: every page draws its
 * figures from it (the creator view and audience finding run the assistant and
 * understand modules over the store's log). The other providers come from the
 * serving side (pipelines, similar items) and from trained models; a part whose
 * provider is absent says so instead of showing made-up numbers.
 */
export interface DashboardOptions {
  store: Store;
  /**
   * The scopes an API key grants, or undefined for an unknown key. Pages and
   * `/v1/admin/*` need `admin`; the creator page and `/v1/creator/insights`
   * accept `admin`, `creator` or `read` (`authorizeWithApiKeys(keys)` adapts the server's keys).
   */
  authorize: (key: string) => readonly string[] | undefined | Promise<readonly string[] | undefined>;
  /** The pipelines the server runs now (the Users page asks each for a feed, without logging it). */
  pipelines?: () => readonly FeedPipeline[];
  /**
   * The server's model registry: with it the admin API and the Models page
   * publish, activate, roll back and delete versions (without it they answer
   * 503 `no_model_registry` and the page shows no actions).
   */
  registry?: ModelRegistry;
  /** Items similar to an item (the serving side's item-to-item). */
  similar?: (itemId: string, n: number) => Promise<ReadonlyArray<{ itemId: string; score: number }>>;
  /**
   * An item's hashtags cleaned to content topics (understand's `hashtagTopicCleaner`,
   * which needs a trained hashtag classifier). Without it the Items page shows
   * the normalised hashtags only.
   */
  cleanHashtags?: (
    hashtags: readonly string[],
    video?: { caption?: string; categories?: string[] },
  ) => string[] | Promise<string[]>;
  /** Title suggestions (e.g. the assistant's `OpenAiTitleProvider`); default: the assistant's `TitleMiner` over the store's captions. */
  titleProvider?: TitleProvider;
  /** Folder of `bench/results/*.json` for the Models page's offline figures and anchors (default `bench/results`). */
  benchResultsDir?: string;
  /** Days shown on time charts at most (default 14; fewer when the log is younger), ending at the newest event; `?days=` overrides. */
  days?: number;
  /**
   * Where dashboard logins live (default: in this process's memory). Servers
   * behind one balancer pass one shared store, so a login on one is honoured
   * by the others.
   */
  sessions?: SessionStore;
  /** How long a login lasts, ms (default 12 hours; absolute, not renewed by use). */
  sessionTtlMs?: number;
  /** Clock, for tests (default `Date.now`). */
  now?: () => number;
  /** No-repeat window of the Users page's feeds, ms (default 7 days). */
  noRepeatWindowMs?: number;
  /** Where the JSON API logs its 500s (default silent); `genfeed serve` passes its own. */
  logger?: Logger;
}
