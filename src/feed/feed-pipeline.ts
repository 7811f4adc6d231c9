/**
 * The contract every feed pipeline of the server meets (the generative model with
 * constrained beam search; the classic cascade recall -> pre-rank -> rank; the
 * cold-start fallback). A pipeline is an in-memory object built from a published
 * model version and a snapshot of the catalogue; the server owns the store, the
 * experiment split and the logging, so `recommend` is synchronous and pure CPU:
 * what it costs is what `process.cpuUsage()` measures around each stage.
 *
 * It lives in `cascade` (the lowest module that builds a pipeline) so that `serve`,
 * which builds the generative one and owns the server, imports it from here.
 */
export interface FeedPipeline {
  /** Logged with every feed it serves, e.g. `generative`, `cascade`. */
  readonly name: string;
  /** The model version it was built from (`name@version`), when it has one. */
  readonly modelVersion?: string;
  recommend(request: FeedRequest): FeedResult;
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
