import { randomUUID } from 'node:crypto';
import { InvalidInputError, type Logger, NotFoundError, silentLogger } from '../core/index.js';
import type { FeedItem, FeedPipeline, FeedRequest, FeedResult, StageCost } from '../feed/index.js';
import type { Experiment, FeedInput, ItemRecord, Store } from '../storage/index.js';
import { StageLedger } from './experiments/stage-ledger.js';
import { TrafficSplit } from './experiments/traffic-split.js';
import { claimFeed, pushUsable } from './feed-claims.js';
import type { FeedSource, PipelineStatus, ServedFeed, SimilarItem } from './feed-source.js';
import { FeedsInFlight } from './feeds-in-flight.js';
import { ColdStartPipeline, interestsOf, readCatalogue } from './pipelines/coldstart-pipeline.js';

const DAY_MS = 86_400_000;
/** The largest feed one request may ask for. */
export const MAX_FEED_SIZE = 200;

/** A model pipeline's current instance (the registry's, or a fixed one); read once per request. */
export interface PipelineProvider {
  current(name: string): FeedPipeline | undefined;
  statuses?(): PipelineStatus[];
  /** Swaps to tell the service about (the registry's), so a new version gets the latest catalogue at once. */
  onSwap?(listener: (name: string, pipeline: FeedPipeline) => void): void;
}

export interface FeedServiceOptions {
  store: Store;
  /** Where the model pipelines come from (a `ModelRegistry`, or `fixedPipelines({...})`). */
  pipelines?: PipelineProvider;
  /** The experiment whose split picks each user's pipeline; without one (or while it is absent) `defaultPipeline` serves. */
  experiment?: string;
  /** Serves users outside any experiment (default `generative`). */
  defaultPipeline?: string;
  /** Items shown or acted on within this window are never shown again (default 7 days). */
  noRepeatWindowMs?: number;
  /** Recent events read as the history (default 50). */
  historyLength?: number;
  /** How long an experiment's split is cached before it is read again (default 1 s; 0: every request). */
  experimentTtlMs?: number;
  /** How often `start` refreshes the catalogue and the cold-start snapshot (default 60 s). */
  refreshIntervalMs?: number;
  /** Popularity window of the cold-start feed (default 7 days). */
  popularWindowMs?: number;
  clock?: () => number;
  logger?: Logger;
  /** Called after each feed is logged (metrics). */
  onServed?: (feed: ServedFeed) => void;
}

/** Counts since start: how often each pipeline failed and the cold-start feed stood in. */
export interface FeedServiceCounters {
  /** Feeds served, by the pipeline that served them. */
  served: Record<string, number>;
  /** Failures, by the pipeline that failed (its feed came from `coldstart`). */
  failures: Record<string, number>;
  /** Feeds whose chosen pipeline was not loaded, by that pipeline. */
  unavailable: Record<string, number>;
  /** Claims the store refused because another request showed some of the feed's items meanwhile, by pipeline. */
  reclaimed: Record<string, number>;
}

/**
 * The feed side of the server (`FeedSource`): for each request it reads the
 * user's recent events (the history) and what they were shown within the
 * no-repeat window, adds the hidden items, picks the pipeline by the running
 * experiment (a stable hash of the user id into the split's buckets), runs it,
 * falls back to the cold-start feed when the user has no history or the
 * pipeline is missing or throws (logged and counted), tops a short feed up
 * from the cold-start feed, writes the feed to the store and only then
 * resolves.
 */
export class FeedService implements FeedSource {
  readonly #store: Store;
  readonly #pipelines: PipelineProvider;
  readonly #experimentName: string | undefined;
  readonly #defaultPipeline: string;
  readonly #windowMs: number;
  readonly #historyLength: number;
  readonly #experimentTtlMs: number;
  readonly #refreshIntervalMs: number;
  readonly #popularWindowMs: number;
  readonly #clock: () => number;
  readonly #logger: Logger;
  readonly #onServed: ((feed: ServedFeed) => void) | undefined;
  readonly #counters: FeedServiceCounters = { served: {}, failures: {}, unavailable: {}, reclaimed: {} };
  readonly #inFlight = new FeedsInFlight();
  /** CPU and wall time per pipeline and stage, since start (for the report and `/metrics`). */
  readonly stages = new StageLedger();
  #split: {
    value: TrafficSplit | undefined;
    readAt: number;
    reading?: Promise<TrafficSplit | undefined> | undefined;
  } = {
    value: undefined,
    readAt: Number.NEGATIVE_INFINITY,
  };
  #coldStart: ColdStartPipeline = new ColdStartPipeline({ popular: [], fresh: [], catalogue: [] });
  #hidden: ReadonlySet<string> = new Set();
  #catalogue: readonly ItemRecord[] = [];
  #timer: NodeJS.Timeout | undefined;
  #firstRefresh: Promise<void> | undefined;

  constructor(options: FeedServiceOptions) {
    this.#store = options.store;
    this.#pipelines = options.pipelines ?? fixedPipelines({});
    this.#experimentName = options.experiment;
    this.#defaultPipeline = options.defaultPipeline ?? 'generative';
    this.#windowMs = options.noRepeatWindowMs ?? 7 * DAY_MS;
    this.#historyLength = options.historyLength ?? 50;
    this.#experimentTtlMs = options.experimentTtlMs ?? 1000;
    this.#refreshIntervalMs = options.refreshIntervalMs ?? 60_000;
    this.#popularWindowMs = options.popularWindowMs ?? 7 * DAY_MS;
    this.#clock = options.clock ?? Date.now;
    this.#logger = options.logger ?? silentLogger;
    this.#onServed = options.onServed;
    // A version built from an older catalogue read learns the items added since, before its first request.
    this.#pipelines.onSwap?.((name, pipeline) => {
      if (this.#catalogue.length === 0) return;
      this.#coldStartModels(this.#catalogue, [[name, pipeline]]).catch((error: Error) =>
        this.#logger.error(`feed service: cold start for the new ${name} failed: ${error.message}`),
      );
    });
  }

  /** The catalogue as last read (what model pipelines are built for). */
  catalogue(): Promise<readonly ItemRecord[]> {
    return Promise.resolve(this.#catalogue);
  }

  /**
   * Reads the catalogue, the hidden items and the cold-start snapshot, and
   * hands catalogue items they do not know to the model pipelines (cold start).
   * Call once before serving; `start` repeats it on a timer.
   */
  async refresh(): Promise<void> {
    this.#firstRefresh ??= Promise.resolve();
    const catalogue = await readCatalogue(this.#store);
    this.#catalogue = catalogue;
    this.#hidden = new Set(catalogue.filter((item) => item.hidden).map((item) => item.id));
    this.#coldStart = await ColdStartPipeline.load(this.#store, {
      now: this.#clock(),
      popularWindowMs: this.#popularWindowMs,
      catalogue,
    });
    await this.#coldStartModels(catalogue);
  }

  /** `refresh`, then every `refreshIntervalMs` in the background until `close`. */
  async start(): Promise<void> {
    await this.refresh();
    this.close();
    let running = false;
    this.#timer = setInterval(() => {
      if (running) return;
      running = true;
      this.refresh()
        .catch((error: Error) => this.#logger.error(`feed service: refresh failed: ${error.message}`))
        .finally(() => {
          running = false;
        });
    }, this.#refreshIntervalMs);
    this.#timer.unref();
  }

  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  counters(): FeedServiceCounters {
    return structuredClone(this.#counters);
  }

  /** The pipeline a user's requests go to now (the experiment's bucket, else the default). */
  async assignedPipeline(userId: string): Promise<{ pipeline: string; experiment?: string }> {
    const split = await this.#currentSplit();
    if (split === undefined) return { pipeline: this.#defaultPipeline };
    return { pipeline: split.bucketOf(userId), experiment: split.experiment };
  }

  /** Replaces the running experiment's split in the store; this server uses it from the next request. */
  async setSplit(split: Readonly<Record<string, number>>, description?: string): Promise<Experiment> {
    if (this.#experimentName === undefined)
      throw new InvalidInputError(
        'Cannot set a split: the feed service runs no experiment (options.experiment)',
      );
    const checked = new TrafficSplit(this.#experimentName, split);
    const stored = await this.#store.putExperiment({
      name: this.#experimentName,
      split,
      ...(description === undefined ? {} : { description }),
    });
    this.#split = { value: checked, readAt: this.#clock() };
    return stored;
  }

  async feed(userId: string, n: number): Promise<ServedFeed> {
    if (typeof userId !== 'string' || userId.length === 0)
      throw new InvalidInputError(`userId must be a non-empty string, got ${JSON.stringify(userId)}`);
    if (!Number.isInteger(n) || n < 1 || n > MAX_FEED_SIZE)
      throw new InvalidInputError(`n must be an integer from 1 to ${MAX_FEED_SIZE}, got ${n}`);
    this.#firstRefresh ??= this.refresh();
    await this.#firstRefresh;
    if (this.#windowMs <= 0) return this.#serve(userId, n, new Set());
    const inFlight = this.#inFlight.enter(userId);
    try {
      return await this.#serve(userId, n, inFlight);
    } finally {
      this.#inFlight.leave(userId);
    }
  }

  /** `feed` once checked; `inFlight`: the items other requests of this user are serving now (grown here too). */
  async #serve(userId: string, n: number, inFlight: Set<string>): Promise<ServedFeed> {
    const started = performance.now();
    const now = this.#clock();
    const since = now - this.#windowMs;
    // One store call for both reads (prepared statements on SQLite).
    const [context, assignment] = await Promise.all([
      this.#store.feedContext(userId, { historyLength: this.#historyLength, since }),
      this.assignedPipeline(userId),
    ]);
    const history = context.history.reverse(); // oldest first
    const exclude = new Set(context.shown);
    for (const hidden of this.#hidden) exclude.add(hidden);
    for (const serving of inFlight) exclude.add(serving);
    const request: FeedRequest = { userId, n, history, exclude, now };

    let served = this.#coldStart.name;
    let result: FeedResult | undefined;
    const stages: Record<string, StageCost> = {};
    // A `coldstart` bucket (a holdout) is served by the cold-start feed below, like users with no history.
    const wantsModel = history.length > 0 && assignment.pipeline !== this.#coldStart.name;
    const chosen = wantsModel ? this.#pipelines.current(assignment.pipeline) : undefined;
    if (wantsModel && chosen === undefined) bump(this.#counters.unavailable, assignment.pipeline);
    if (chosen !== undefined) {
      const attempt = process.cpuUsage();
      const attemptStart = performance.now();
      try {
        result = chosen.recommend(request);
        served = chosen.name;
      } catch (error) {
        bump(this.#counters.failures, chosen.name);
        const used = process.cpuUsage(attempt);
        stages.failed = {
          latencyMs: performance.now() - attemptStart,
          cpuMs: (used.user + used.system) / 1000,
        };
        this.#logger.error(
          `feed ${userId}: pipeline ${chosen.name}${chosen.modelVersion ? ` (${chosen.modelVersion})` : ''} failed, serving coldstart: ${(error as Error).message}`,
        );
      }
    }
    const items: FeedItem[] = [];
    if (result !== undefined) {
      Object.assign(stages, result.stages);
      pushUsable(items, result.items, request, inFlight);
    }
    // The user record (declared interests) is read only for a top-up: most requests never need it.
    let interests: string[] | undefined;
    const topUp = async (label: (stage: string) => string) => {
      interests ??= interestsOf((await this.#store.getUser(userId))?.features);
      // Picked after the await: requests of this user that picked meanwhile are in `inFlight` now.
      for (const serving of inFlight) exclude.add(serving);
      // The top-up keeps only the no-repeat window: items consumed before it may come back, so feeds stay full.
      const filled = this.#coldStart.recommendWith(
        {
          ...request,
          history: [],
          n: n - items.length,
          exclude: new Set([...exclude, ...items.map((item) => item.itemId)]),
        },
        interests,
      );
      for (const [stage, cost] of Object.entries(filled.stages)) {
        const before = stages[label(stage)]; // a second reclaim adds to the first
        stages[label(stage)] =
          before === undefined
            ? cost
            : { latencyMs: before.latencyMs + cost.latencyMs, cpuMs: before.cpuMs + cost.cpuMs };
      }
      pushUsable(items, filled.items, request, inFlight);
    };
    // Cold users, failures and short feeds: the cold-start feed fills what is left.
    if (items.length < n) await topUp((stage) => (result === undefined ? stage : `topup-${stage}`));

    const requestId = randomUUID();
    const record = (): FeedInput => ({
      requestId,
      userId,
      pipeline: served,
      ...(assignment.experiment === undefined ? {} : { experiment: assignment.experiment }),
      time: now,
      items: items.map((item) => ({ itemId: item.itemId, score: item.score })),
      latencyMs: performance.now() - started,
      cpuMs: Object.values(stages).reduce((sum, cost) => sum + cost.cpuMs, 0),
      stages,
    });
    let logged: FeedInput;
    if (this.#windowMs <= 0) {
      logged = record();
      await this.#store.insertFeeds([logged]);
    } else {
      // Another server may have shown some of these items since the context was read: the store
      // records the feed only if it repeats nothing; else drop what was shown, top up and claim again.
      logged = await claimFeed(this.#store, {
        since,
        items,
        n,
        record,
        refused: (shown) => {
          bump(this.#counters.reclaimed, served);
          for (const item of shown) {
            exclude.add(item);
            inFlight.add(item);
          }
        },
        topUp: () => topUp((stage) => `reclaim-${stage}`),
      });
    }
    const feed: ServedFeed = {
      requestId,
      userId,
      pipeline: served,
      ...(assignment.experiment === undefined ? {} : { experiment: assignment.experiment }),
      items,
      latencyMs: logged.latencyMs ?? 0,
      cpuMs: logged.cpuMs ?? 0,
      stages,
    };
    bump(this.#counters.served, served);
    this.stages.record(served, stages, feed.latencyMs);
    this.#onServed?.(feed);
    return feed;
  }

  async similar(itemId: string, n: number): Promise<SimilarItem[]> {
    if (!Number.isInteger(n) || n < 1 || n > MAX_FEED_SIZE)
      throw new InvalidInputError(`n must be an integer from 1 to ${MAX_FEED_SIZE}, got ${n}`);
    const item = await this.#store.getItem(itemId);
    if (item === undefined) throw new NotFoundError(`Item "${itemId}" does not exist`);
    const sources: FeedPipeline[] = [];
    for (const name of this.#modelNames()) {
      const pipeline = this.#pipelines.current(name);
      if (pipeline !== undefined) sources.push(pipeline);
    }
    sources.push(this.#coldStart);
    for (const source of sources) {
      const found = source.similar?.(itemId, n + this.#hidden.size);
      if (found === undefined || found.length === 0) continue; // this source does not know the item
      return found.filter((other) => !this.#hidden.has(other.itemId)).slice(0, n);
    }
    return [];
  }

  pipelines(): PipelineStatus[] {
    const statuses = this.#pipelines.statuses?.() ?? [];
    return [...statuses, { name: this.#coldStart.name, ready: true }];
  }

  #modelNames(): string[] {
    const names = (this.#pipelines.statuses?.() ?? []).map((status) => status.name);
    return [
      ...new Set([this.#defaultPipeline, ...names, ...(this.#split.value?.buckets.map((b) => b.name) ?? [])]),
    ];
  }

  async #currentSplit(): Promise<TrafficSplit | undefined> {
    if (this.#experimentName === undefined) return undefined;
    const name = this.#experimentName;
    if (this.#clock() - this.#split.readAt < this.#experimentTtlMs) return this.#split.value;
    this.#split.reading ??= this.#store
      .getExperiment(name)
      .then((experiment) => {
        let value: TrafficSplit | undefined;
        try {
          value = experiment === undefined ? undefined : new TrafficSplit(name, experiment.split);
        } catch (error) {
          this.#logger.error(`experiment ${name}: ${(error as Error).message}; keeping the previous split`);
          value = this.#split.value;
        }
        this.#split = { value, readAt: this.#clock() };
        return value;
      })
      .finally(() => {
        this.#split.reading = undefined;
      });
    return this.#split.reading;
  }

  async #coldStartModels(
    catalogue: readonly ItemRecord[],
    pipelines: ReadonlyArray<readonly [string, FeedPipeline | undefined]> = this.#modelNames().map(
      (name) => [name, this.#pipelines.current(name)] as const,
    ),
  ): Promise<void> {
    // One semantic ID per item in the store: the first pipeline's (the default first) that gave one.
    const semanticIds = new Map<string, number[]>();
    for (const [, pipeline] of pipelines) {
      const summary = pipeline?.addItems?.(catalogue);
      for (const { itemId, semanticId } of summary?.placed ?? [])
        if (semanticId !== undefined && !semanticIds.has(itemId)) semanticIds.set(itemId, semanticId);
    }
    if (semanticIds.size > 0) await this.#store.setSemanticIds(semanticIds);
  }
}

/** A provider over fixed pipeline instances (tests, a cascade built in process). */
export function fixedPipelines(pipelines: Readonly<Record<string, FeedPipeline>>): PipelineProvider {
  return {
    current: (name) => pipelines[name],
    statuses: () =>
      Object.entries(pipelines).map(([name, pipeline]) => ({
        name,
        ready: true,
        ...(pipeline.modelVersion === undefined ? {} : { modelVersion: pipeline.modelVersion }),
      })),
  };
}

/** Several providers, the first that has a name wins (e.g. the registry's models and an in-process cascade). */
export function combinePipelines(...providers: readonly PipelineProvider[]): PipelineProvider {
  return {
    current: (name) => {
      for (const provider of providers) {
        const pipeline = provider.current(name);
        if (pipeline !== undefined) return pipeline;
      }
      return undefined;
    },
    statuses: () => providers.flatMap((provider) => provider.statuses?.() ?? []),
  };
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
