import type { CatalogueRecord } from './catalogue-record.js';

/**
 * The contract every feed pipeline of the server meets (the generative model with
 * constrained beam search; the classic cascade recall -> pre-rank -> rank; the
 * cold-start fallback). A pipeline is an in-memory object built from a published
 * model version and a snapshot of the catalogue; the server owns the store, the
 * experiment split and the logging, so `recommend` is synchronous and pure CPU:
 * what it costs is what `process.cpuUsage()` measures around each stage.
 *
 * Optional capabilities (item-to-item `similar`, cold-start `addItems`, being
 * the A/B `baseline`) are declared here, so the server asks a pipeline what it
 * can do instead of what it is called.
 */
export interface FeedPipeline {
  /** Logged with every feed it serves, e.g. `generative`, `cascade`. */
  readonly name: string;
  /** The model version it was built from (`name@version`), when it has one. */
  readonly modelVersion?: string;
  /** The arm the others are compared with in an A/B test (the classic cascade). */
  readonly baseline?: boolean;
  /** Throws a RangeError naming the field for a malformed request (e.g. `n` not a positive integer). */
  recommend(request: FeedRequest): FeedResult;
  /** Items like `itemId`, best first, at most `n`; undefined when the pipeline does not know the item. */
  similar?(itemId: string, n: number): SimilarItem[] | undefined;
  /**
   * Takes catalogue items it was not built with (cold start) without
   * retraining; items it knows already are skipped, hidden ones never served.
   */
  addItems?(records: readonly CatalogueRecord[]): ColdStartSummary;
}

export interface SimilarItem {
  itemId: string;
  score: number;
}

/** What happened to the catalogue items a pipeline was given. */
export interface ColdStartSummary {
  /** Items that can be served now, with the semantic ID they got (generative pipelines). */
  placed: Array<{ itemId: string; semanticId?: number[]; collided?: boolean }>;
  /** Items that could not be placed, with why. */
  unplaced: Array<{ itemId: string; reason: string }>;
}

export interface FeedRequest {
  userId: string;
  /** How many distinct items to return. */
  n: number;
  /** Items the user consumed, oldest first (the store's events, newest last). */
  history: readonly string[];
  /** Items the feed must not contain: shown within the no-repeat window, and hidden ones. */
  exclude: ReadonlySet<string>;
  /** Unix ms of the request (freshness, time of day). */
  now: number;
}

export interface FeedItem {
  itemId: string;
  /** The score the final stage ranked by. */
  score: number;
  /** Per-stage or per-signal scores, for explanations (e.g. `{ recall: 0.3, prerank: 1.2, reward: 0.8 }`). */
  scores?: Record<string, number>;
  /** Which recall source or generation step produced it, e.g. `itemknn`, `ann`, `beam`. */
  source?: string;
}

export interface FeedResult {
  /** At most `n` distinct items, none of them in `exclude`, best first. */
  items: FeedItem[];
  /** Cost of each stage in the order they ran (e.g. `recall`, `prerank`, `rank`, `filter`). */
  stages: Record<string, StageCost>;
}

/** The checks every pipeline makes before it runs (a RangeError naming the field and the bad value). */
export function checkFeedRequest(request: FeedRequest): void {
  const { n, history, exclude, now } = request;
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`n must be a positive integer, got ${n}`);
  if (!Array.isArray(history))
    throw new RangeError(`history must be an array of item ids, got ${typeof history}`);
  if (!(exclude instanceof Set))
    throw new RangeError(`exclude must be a Set of item ids, got ${typeof exclude}`);
  if (!Number.isFinite(now)) throw new RangeError(`now must be a finite unix ms time, got ${now}`);
}

/** Runs `work` and adds its wall and CPU time to `stages[stage]`. */
export function timeStage<T>(stages: Record<string, StageCost>, stage: string, work: () => T): T {
  const cpu = process.cpuUsage();
  const start = performance.now();
  try {
    return work();
  } finally {
    const used = process.cpuUsage(cpu);
    const cost = stages[stage] ?? { latencyMs: 0, cpuMs: 0 };
    cost.latencyMs += performance.now() - start;
    cost.cpuMs += (used.user + used.system) / 1000;
    stages[stage] = cost;
  }
}

/** Wall and CPU time of one stage (the shape `storage` records per stage). */
export interface StageCost {
  latencyMs: number;
  cpuMs: number;
}
