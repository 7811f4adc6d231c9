import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type Logger, type Progress, silentLogger, silentProgress } from '../core/index.js';
import type { GenerativeParams } from '../generative/index.js';
import {
  ApiKeys,
  defaultLoaders,
  type ExperimentReport,
  experimentReport,
  FeedService,
  ModelRegistry,
  type RunningServer,
  readCatalogue,
  saveGenerativeReward,
  startServer,
} from '../serve/index.js';
import { openSqliteStore, type Store } from '../storage/index.js';
import { mountDashboard, pipelinesOf } from '../web/index.js';
import type { AbSummary } from './ab-summary.js';
import { importPlaygroundData, type PlaygroundData, simulatePlaygroundData } from './playground-data.js';
import { ThreadedTrafficDriver } from './threaded-traffic-driver.js';
import {
  demoGenerativeParams,
  fitAndSaveCascade,
  fitGenerative,
  fitReward,
  heldOutRecall,
  holdOutTail,
  saveGenerative,
  trainingWindows,
} from './train-models.js';
import { readTrainingLog } from './training-log.js';

const DAY_MS = 86_400_000;

export interface DemoOptions {
  /** Working folder: `demo.sqlite`, the trained models and the registry (recreated each run). */
  dir: string;
  /** SQLite commit durability (docs/storage.md): `full` (default) fsyncs every commit; `normal` survives a process crash. */
  sqliteSynchronous?: 'full' | 'normal';
  /** Preferred port (default 8080); when taken, any free port. */
  port?: number;
  host?: string;
  /** Playground size and logged days under the baseline policy. */
  users?: number;
  items?: number;
  days?: number;
  seed?: number;
  /** Generative model parameters over the demo preset (e.g. `{ epochs: 2 }`). */
  generative?: Partial<GenerativeParams>;
  /** Train the reward model for the cascade's rank stage (default true). */
  reward?: boolean;
  /**
   * The generative feed's serving recipe: `rerank` (default, with a reward
   * model) has the beam propose `beamWidth` items and the reward model order
   * them (pipeline stages `beam` + `rerank`); `beam` serves the beam's order.
   */
  generativeServing?: 'rerank' | 'beam';
  /**
   * Cut long play histories into training windows (`trainingWindows`; default
   * false: at equal fit time it measured below more epochs over each user's
   * last plays, docs/demo.md).
   */
  generativeWindows?: boolean;
  rewardEpochs?: number;
  /** Traffic split, e.g. `{ generative: 50, cascade: 50 }`. */
  split?: Readonly<Record<string, number>>;
  /** Users driven against the API (default: all of the playground's). */
  drivenUsers?: number;
  /** Real seconds per simulated day (default 60). */
  secondsPerDay?: number;
  /** Stop after this many seconds of traffic; default: until `signal` aborts. */
  durationSeconds?: number;
  signal?: AbortSignal;
  /** Seconds between live summaries (default 5). */
  summaryEverySeconds?: number;
  logger?: Logger;
  /** A progress bar per phase (the CLI draws them on a terminal). */
  progress?: Progress;
  /** Mount the dashboard at `/dashboard` (default true). */
  dashboard?: boolean;
  /** The server's URLs once it listens. */
  onListening?: (where: DemoUrls) => void;
  /** Each live summary while traffic runs. */
  onSummary?: (summary: AbSummary) => void;
}

export interface DemoUrls {
  api: string;
  /** The dashboard, when it is mounted. */
  dashboard?: string;
  openapi: string;
  metrics: string;
  /** The API key of this run (admin scope), for curl and the dashboard. */
  apiKey: string;
}

export interface DemoResult extends AbSummary {
  urls: DemoUrls;
  training: {
    generative: {
      seconds: number;
      recallAt10: number;
      epochs: number;
      /** Training sequences after windowing. */
      trainingSequences: number;
      /** `rerank`: beam candidates ordered by the reward model; `beam`: the beam's order. */
      serving: 'rerank' | 'beam';
      beamWidth: number;
    };
    cascade: { seconds: number; reward: boolean; rewardSeconds: number };
    loggedEvents: number;
    heldOutUsers: number;
  };
  store: { events: number; requests: number; impressions: number };
  /**
   * The server's own experiment report from the logged feeds and events (per
   * user: stay time per active UTC day of the simulated clock, signal rates,
   * returning users, with 95% intervals; Welch comparison against the cascade).
   */
  experimentReport: ExperimentReport;
}

/** The arm the demo's A/B test compares the generative feed with. */
const DEMO_CONTROL = 'cascade';

export interface DemoPlatform {
  store: Store;
  registry: ModelRegistry;
  feeds: FeedService;
  server: RunningServer;
  urls: DemoUrls;
  data: PlaygroundData;
  training: DemoResult['training'];
  /** The experiment's control arm (the cascade the generative feed must beat). */
  control: string;
  /** Stops the feed service, the registry and the server (which closes the store). */
  close(): Promise<void>;
}

/**
 * Steps 1-5 of the demo: playground logs into a fresh SQLite store, both
 * models trained and published, the server listening with the experiment set.
 */
export async function prepareDemoPlatform(options: DemoOptions): Promise<DemoPlatform> {
  const logger = options.logger ?? silentLogger;
  const progress = options.progress ?? silentProgress;
  const seed = options.seed ?? 42;
  const days = options.days ?? 2;
  await rm(options.dir, { recursive: true, force: true });
  await mkdir(options.dir, { recursive: true });

  logger.info(
    `1/6 simulating a playground: ${options.users ?? 1000} users, ${options.items ?? 2000} videos, ${days} days of logs`,
  );
  const data = await simulatePlaygroundData({
    users: options.users ?? 1000,
    items: options.items ?? 2000,
    days,
    seed,
    progress,
  });
  const path = join(options.dir, 'demo.sqlite');
  logger.info(
    `2/6 importing ${data.items.length} items, ${data.users.length} users, ${data.events.length} events into ${path}`,
  );
  const store = await openSqliteStore({
    path,
    ...(options.sqliteSynchronous === undefined ? {} : { synchronous: options.sqliteSynchronous }),
  });
  let registry: ModelRegistry | undefined;
  let feeds: FeedService | undefined;
  try {
    await importPlaygroundData(store, data, { progress });

    logger.info('3/6 training on the store event log');
    const log = await readTrainingLog(store);
    const heldOut = holdOutTail(log, { seed });
    const generativeParams = { ...demoGenerativeParams, ...options.generative };
    const windowed =
      (options.generativeWindows ?? false)
        ? trainingWindows(heldOut.fit, generativeParams.maxItems + 1)
        : heldOut.fit;
    const generative = await fitGenerative(windowed, log.items.length, generativeParams, {
      seed,
      validation: heldOut.validation,
      logger,
      progress,
    });
    const recallAt10 = heldOutRecall(generative.model, heldOut, log.items.length);
    logger.info(
      `generative: trained in ${generative.seconds.toFixed(1)} s, held-out Recall@10 ${recallAt10.toFixed(4)} (${heldOut.users.length} users)`,
    );
    const generativeDir = join(options.dir, 'models', 'generative');
    await saveGenerative(generativeDir, generative, log, { seed });
    const useReward = options.reward ?? true;
    const rewardStarted = performance.now();
    const reward = useReward
      ? fitReward(log, { seed, epochs: options.rewardEpochs ?? 1, logger, progress })
      : undefined;
    const rewardSeconds = (performance.now() - rewardStarted) / 1000;
    const serving = options.generativeServing ?? 'rerank';
    if (reward !== undefined && serving === 'rerank') await saveGenerativeReward(generativeDir, reward);
    const cascadeDir = join(options.dir, 'models', 'cascade');
    const cascade = await fitAndSaveCascade(cascadeDir, log, reward);
    logger.info(
      `cascade: built in ${cascade.seconds.toFixed(1)} s${reward ? `, reward model trained in ${rewardSeconds.toFixed(1)} s` : ' (no reward model)'}`,
    );

    logger.info('4/6 publishing both to the model registry');
    registry = new ModelRegistry({
      store,
      root: join(options.dir, 'registry'),
      loaders: defaultLoaders,
      catalogue: () => readCatalogue(store),
      logger,
    });
    await registry.publish('generative', generativeDir, {
      metrics: { recallAt10, heldOutUsers: heldOut.users.length, trainSeconds: generative.seconds },
    });
    await registry.publish('cascade', cascadeDir, { metrics: { buildSeconds: cascade.seconds } });
    // Follow versions published by other processes (`genfeed train generative --watch --db <this store>`).
    await registry.watch();

    const split = options.split ?? { generative: 50, cascade: 50 };
    logger.info(
      `5/6 starting the server with experiment "demo-ab" (${Object.entries(split)
        .map(([name, weight]) => `${name} ${weight}`)
        .join(' / ')})`,
    );
    feeds = new FeedService({
      store,
      pipelines: registry,
      experiment: 'demo-ab',
      defaultPipeline: DEMO_CONTROL,
    });
    await feeds.setSplit(split, 'genfeed demo: generative vs cascade');
    await feeds.start();
    const apiKey = `demo-${randomBytes(16).toString('hex')}`;
    const keys = ApiKeys.from([{ key: apiKey, scopes: ['admin'], name: 'demo' }]);
    const server = await listen({
      store,
      feeds,
      keys,
      host: options.host,
      port: options.port ?? 8080,
      logger,
    });
    const urls: DemoUrls = {
      api: server.url,
      openapi: `${server.url}/openapi.json`,
      metrics: `${server.url}/metrics`,
      apiKey,
    };
    const openedFeeds = feeds;
    if (options.dashboard !== false) {
      mountDashboard(server.app, {
        store,
        authorize: (key) => (key === apiKey ? ['admin'] : undefined),
        pipelines: pipelinesOf(registry),
        registry,
        similar: (itemId, n) => openedFeeds.similar(itemId, n),
        logger,
      });
      urls.dashboard = `${server.url}/dashboard`;
    }
    const openedRegistry = registry;
    return {
      store,
      registry,
      feeds,
      server,
      urls,
      data,
      control: DEMO_CONTROL,
      training: {
        generative: {
          seconds: generative.seconds,
          recallAt10,
          epochs: generativeParams.epochs,
          trainingSequences: windowed.length,
          serving: reward !== undefined && serving === 'rerank' ? 'rerank' : 'beam',
          beamWidth: generativeParams.beamWidth,
        },
        cascade: { seconds: cascade.seconds, reward: reward !== undefined, rewardSeconds },
        loggedEvents: data.events.length,
        heldOutUsers: heldOut.users.length,
      },
      close: async () => {
        openedFeeds.close();
        await openedRegistry.close();
        await server.close();
      },
    };
  } catch (error) {
    feeds?.close();
    await registry?.close();
    await store.close();
    throw error;
  }
}

/**
 * `genfeed demo` from nothing downloaded: a playground world and a few days of
 * logs under a baseline policy, imported into an embedded SQLite store; the
 * generative model (semantic-ID tokenizer + lazy decoder) and the cascade
 * (with the learned reward as its rank stage) trained on the store's event
 * log and published to the model registry; the HTTP server started with an
 * experiment splitting users between the two; then simulated users driven
 * against the API, with a live A/B summary.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const platform = await prepareDemoPlatform(options);
  const { data, urls, store } = platform;
  try {
    options.onListening?.(urls);
    options.logger?.info('6/6 driving simulated users against the API');
    // Off the server's thread: the clients' round trips are theirs, not the server's event loop's.
    const driver = new ThreadedTrafficDriver(data.environment, urls.api, {
      apiKey: urls.apiKey,
      control: platform.control,
      state: data.state,
      startTime: data.start + data.days * DAY_MS,
      seed: (options.seed ?? 42) + 100,
      ...(options.drivenUsers === undefined ? {} : { users: options.drivenUsers }),
      ...(options.secondsPerDay === undefined ? {} : { secondsPerDay: options.secondsPerDay }),
    });
    const abort = () => driver.stop();
    options.signal?.addEventListener('abort', abort, { once: true });
    if (options.signal?.aborted) driver.stop();
    const onSummary = options.onSummary;
    const ticker =
      onSummary === undefined
        ? undefined
        : setInterval(() => void driver.summary().then(onSummary), (options.summaryEverySeconds ?? 5) * 1000);
    let summary: AbSummary;
    try {
      summary = await driver.drive(
        options.durationSeconds === undefined ? {} : { seconds: options.durationSeconds },
      );
    } finally {
      clearInterval(ticker);
      options.signal?.removeEventListener('abort', abort);
    }
    const counts = await store.counts();
    const report = await experimentReport(store, {
      experiment: 'demo-ab',
      costs: platform.feeds.stages.costs(),
    });
    return {
      ...summary,
      urls,
      training: platform.training,
      store: { events: counts.events, requests: counts.requests, impressions: counts.impressions },
      experimentReport: report,
    };
  } finally {
    await platform.close();
  }
}

/** Starts the server on `port`, or on any free port when that one is taken. */
async function listen(options: {
  store: Store;
  feeds: FeedService;
  keys: ApiKeys;
  host: string | undefined;
  port: number;
  logger: Logger;
}): Promise<RunningServer> {
  const base = {
    store: options.store,
    feeds: options.feeds,
    keys: options.keys,
    logger: options.logger,
    // The simulated clock runs a day per secondsPerDay, ahead of the wall clock for as
    // long as the demo drives: its events are not from the future the time bound guards.
    limits: { timeWindowFutureMs: Number.POSITIVE_INFINITY },
    ...(options.host === undefined ? {} : { host: options.host }),
  };
  try {
    return await startServer({ ...base, port: options.port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    options.logger.info(`port ${options.port} is taken: using a free port`);
    return startServer({ ...base, port: 0 });
  }
}
