import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { InvalidInputError } from '../../core/index.js';
import {
  ApiKeys,
  defaultLimits,
  FeedService,
  ModelRegistry,
  readCatalogue,
  startServer,
} from '../../serve/index.js';
import {
  DEFAULT_SQLITE_PATH,
  defaultTimeWindow,
  openStore,
  type StoreLocation,
} from '../../storage/index.js';
import { authorizeWithApiKeys, mountDashboard, pipelinesOf, storeSessions } from '../../web/index.js';
import type { CliIo } from '../cli-io.js';
import { parseInteger } from '../parse-flags.js';
import { timeWindowOf, timeWindowOptions } from '../time-window-flags.js';

/**
 * `genfeed serve`: the HTTP API (docs/serve.md) over a store, with the feed
 * service choosing between the registry's model pipelines (and the cold-start
 * feed when none is loaded). The registry's default loaders are the demo's: a
 * generative directory with a `reward.safetensors` reranks its beam with it. Runs until SIGINT or SIGTERM, then drains
 * in-flight requests and closes the store.
 */
export function serveCommand(io: CliIo): Command {
  const [pastDays, futureDays] = timeWindowOptions(defaultTimeWindow, '400 beyond');
  return new Command('serve')
    .description('Serve the HTTP API: ingest, feeds, similar items, health, metrics, OpenAPI document')
    .addOption(
      new Option(
        '--db <file-or-url>',
        `SQLite file, or a postgres:// URL (default ${DEFAULT_SQLITE_PATH})`,
      ).conflicts('postgres'),
    )
    .addOption(new Option('--postgres <url>', 'PostgreSQL connection string').env('GENFEED_POSTGRES_URL'))
    .option('--port <n>', 'port (0: any free port)', parseInteger, 8080)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option(
      '--keys <file>',
      'API keys JSON file (else GENFEED_API_KEYS; else a key is generated and printed)',
    )
    .option(
      '--models <dir>',
      "this server's cache of model versions (the store keeps their files; fetched here once, checked on load)",
      'genfeed-models',
    )
    .option('--experiment <name>', 'experiment whose traffic split picks each user’s pipeline')
    .option('--default-pipeline <name>', 'pipeline of users outside any experiment', 'generative')
    .option(
      '--max-body-bytes <n>',
      'largest ingest request body (other routes: at most 128 KiB)',
      parseInteger,
      defaultLimits.maxBodyBytes,
    )
    .option(
      '--max-model-bytes <n>',
      'largest model upload (POST /v1/admin/models/{name}/versions; held in memory while it is stored)',
      parseInteger,
      defaultLimits.maxModelBytes,
    )
    .option('--max-batch <n>', 'most records per ingest request', parseInteger, defaultLimits.maxBatch)
    .addOption(pastDays)
    .addOption(futureDays)
    .option('--open-metrics', 'serve /metrics without an admin key (for a private scrape network)')
    .option(
      '--processes <n>',
      'server processes sharing the port and the store (node:cluster: one event loop each; at most the cores)',
      parseInteger,
      1,
    )
    .action(async (flags) => {
      if (!(flags.processes >= 1 && flags.processes <= MAX_PROCESSES))
        throw new InvalidInputError(
          `--processes must be between 1 and ${MAX_PROCESSES}, got ${flags.processes}`,
        );
      if (flags.processes > 1 && cluster.isPrimary) return servePrimary(flags, io);
      const location = storeLocation(flags);
      const window = timeWindowOf(flags, defaultTimeWindow);
      const keys = await loadKeys(flags.keys, io);
      const store = await openStore(location, { logger: io.logger });
      const registry = new ModelRegistry({
        store,
        root: flags.models,
        catalogue: () => readCatalogue(store),
        logger: io.logger,
      });
      const feeds = new FeedService({
        store,
        pipelines: registry,
        ...(flags.experiment !== undefined && { experiment: flags.experiment }),
        defaultPipeline: flags.defaultPipeline,
        logger: io.logger,
      });
      let server: Awaited<ReturnType<typeof startServer>>;
      try {
        await feeds.start();
        await registry.sync();
        await registry.watch();
        server = await startServer({
          store,
          feeds,
          keys,
          port: flags.port,
          host: flags.host,
          logger: io.logger,
          limits: {
            maxBodyBytes: flags.maxBodyBytes,
            maxModelBytes: flags.maxModelBytes,
            maxBatch: flags.maxBatch,
            timeWindowPastMs: window.pastMs,
            timeWindowFutureMs: window.futureMs,
          },
          metricsAccess: flags.openMetrics ? 'open' : 'admin',
        });
      } catch (error) {
        feeds.close();
        await registry.close();
        await store.close();
        throw error;
      }
      mountDashboard(server.app, {
        store,
        authorize: authorizeWithApiKeys(keys),
        sessions: storeSessions(store),
        pipelines: pipelinesOf(registry),
        registry,
        similar: (itemId, n) => feeds.similar(itemId, n),
        logger: io.logger,
      });
      // In a cluster the primary says where it listens; each process only that it is up.
      if (cluster.isWorker) {
        io.logger.info(`process ${process.pid} serving (${pipelinesLine(feeds)})`);
        cluster.worker?.send({ type: 'serving', url: server.url });
        await untilStopped(io, feeds, registry, server);
        // The channel to the primary is all that keeps this process alive now.
        cluster.worker?.disconnect();
        return;
      }
      io.out(`genfeed API on ${server.url} (store: ${store.backend} ${store.location})`);
      io.out(`  OpenAPI document: ${server.url}/openapi.json`);
      io.out(`  dashboard: ${server.url}/dashboard (log in with an admin key)`);
      io.out(`  pipelines: ${pipelinesLine(feeds)}`);
      await untilStopped(io, feeds, registry, server);
    });
}

/** glibc malloc arenas per forked server process (`MALLOC_ARENA_MAX`), unless the environment sets it. */
const WORKER_MALLOC_ARENAS = '2';

/** The most server processes `--processes` takes. */
const MAX_PROCESSES = 64;

function pipelinesLine(feeds: FeedService): string {
  return feeds
    .pipelines()
    .map(
      (status) =>
        `${status.name}${status.modelVersion ? ` (${status.modelVersion})` : ''}${status.ready ? '' : ' (not loaded)'}`,
    )
    .join(', ');
}

/** Serves until SIGINT or SIGTERM, then drains in-flight requests and closes the store. */
function untilStopped(
  io: CliIo,
  feeds: FeedService,
  registry: ModelRegistry,
  server: Awaited<ReturnType<typeof startServer>>,
): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      io.logger.info(`${signal}: finishing in-flight requests, then closing the store`);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      feeds.close();
      void registry.close();
      void server.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * `--processes N`: this process forks N servers (node:cluster re-runs the same
 * command in each) and keeps none of the store's work. They share the
 * listening port (connections spread round robin) and the store: feeds claim
 * their items in the store (no repeats across processes), dashboard sessions
 * live in it, and each process loads the registry's models. The store is
 * migrated here first, so the servers never race for it; keys generated here
 * reach every server through the environment. A server that dies is forked
 * again (after a second); SIGINT / SIGTERM stop them all, each draining its
 * requests.
 */
async function servePrimary(
  flags: { processes: number; keys?: string; db?: string; postgres?: string },
  io: CliIo,
) {
  const location = storeLocation(flags);
  await (await openStore(location, { logger: io.logger })).close();
  // glibc gives each thread that allocates its own malloc arena (up to 8 per core), and a
  // server's SQLite reader and writer threads fragment theirs: under the soak's dashboard
  // reads the workers' resident memory crept up ~3 MB a minute each, with two arenas it
  // stayed flat (docs/soak.md, session 10). A value set by the operator is kept.
  const env: Record<string, string> = {
    MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? WORKER_MALLOC_ARENAS,
  };
  if (flags.keys === undefined && (process.env.GENFEED_API_KEYS ?? '').trim() === '') {
    const key = `gf-${randomBytes(24).toString('base64url')}`;
    io.out(`No API keys configured (--keys or GENFEED_API_KEYS): this run's admin key is ${key}`);
    env.GENFEED_API_KEYS = JSON.stringify([{ key, scopes: ['admin'], name: 'generated' }]);
  }
  let stopping = false;
  const fork = (): Worker => cluster.fork(env);
  let serving = 0;
  const started = new Promise<string>((resolve) => {
    cluster.on('message', (_worker, message: { type?: string; url?: string }) => {
      if (message?.type !== 'serving' || message.url === undefined) return;
      serving += 1;
      if (serving === flags.processes) resolve(message.url);
    });
  });
  let allStopped = () => {};
  const stopped = new Promise<void>((resolve) => {
    allStopped = resolve;
    cluster.on('exit', (worker, code, signal) => {
      if (stopping) {
        if (Object.keys(cluster.workers ?? {}).length === 0) resolve();
        return;
      }
      io.logger.error(
        `server process ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another`,
      );
      setTimeout(() => {
        if (!stopping) fork();
      }, 1000).unref();
    });
  });
  for (let index = 0; index < flags.processes; index++) fork();
  const url = await Promise.race([started, stopped.then(() => undefined)]);
  if (url !== undefined) {
    io.out(
      `genfeed API on ${url}: ${flags.processes} server processes (store: ${describeLocation(location)})`,
    );
    io.out(`  OpenAPI document: ${url}/openapi.json`);
    io.out(`  dashboard: ${url}/dashboard (log in with an admin key)`);
  }
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    io.logger.info(`${signal}: stopping ${flags.processes} server processes`);
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    if (Object.keys(cluster.workers ?? {}).length === 0) allStopped();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await stopped;
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
}

/** `--postgres`, or `--db` (a postgres:// URL or a SQLite file), or the default SQLite file. */
function storeLocation(flags: { db?: string; postgres?: string }): StoreLocation {
  if (flags.postgres !== undefined) return { postgres: flags.postgres };
  if (flags.db !== undefined && /^postgres(ql)?:\/\//.test(flags.db)) return { postgres: flags.db };
  return { sqlite: flags.db ?? DEFAULT_SQLITE_PATH };
}

function describeLocation(location: StoreLocation): string {
  return 'postgres' in location ? 'postgres' : `sqlite ${location.sqlite}`;
}

async function loadKeys(file: string | undefined, io: CliIo): Promise<ApiKeys> {
  if (file !== undefined) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new InvalidInputError(`Cannot read API keys file ${file}: ${(error as Error).message}`);
    }
    return ApiKeys.parse(text, file);
  }
  const fromEnv = process.env.GENFEED_API_KEYS;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return ApiKeys.parse(fromEnv, 'GENFEED_API_KEYS');
  const key = `gf-${randomBytes(24).toString('base64url')}`;
  io.out(`No API keys configured (--keys or GENFEED_API_KEYS): this run's admin key is ${key}`);
  return ApiKeys.from([{ key, scopes: ['admin'], name: 'generated' }]);
}
