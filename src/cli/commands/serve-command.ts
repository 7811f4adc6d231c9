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
import { authorizeWithApiKeys, mountDashboard, pipelinesOf } from '../../web/index.js';
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
      'model registry folder (versions published by genfeed train / demo)',
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
    .option('--max-batch <n>', 'most records per ingest request', parseInteger, defaultLimits.maxBatch)
    .addOption(pastDays)
    .addOption(futureDays)
    .option('--open-metrics', 'serve /metrics without an admin key (for a private scrape network)')
    .action(async (flags) => {
      const location: StoreLocation = flags.postgres
        ? { postgres: flags.postgres }
        : /^postgres(ql)?:\/\//.test(flags.db ?? '')
          ? { postgres: flags.db }
          : { sqlite: flags.db ?? DEFAULT_SQLITE_PATH };
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
        registry.watch();
        server = await startServer({
          store,
          feeds,
          keys,
          port: flags.port,
          host: flags.host,
          logger: io.logger,
          limits: {
            maxBodyBytes: flags.maxBodyBytes,
            maxBatch: flags.maxBatch,
            timeWindowPastMs: window.pastMs,
            timeWindowFutureMs: window.futureMs,
          },
          metricsAccess: flags.openMetrics ? 'open' : 'admin',
        });
      } catch (error) {
        feeds.close();
        registry.close();
        await store.close();
        throw error;
      }
      const pipelines = feeds
        .pipelines()
        .map(
          (status) =>
            `${status.name}${status.modelVersion ? ` (${status.modelVersion})` : ''}${status.ready ? '' : ' (not loaded)'}`,
        )
        .join(', ');
      mountDashboard(server.app, {
        store,
        authorize: authorizeWithApiKeys(keys),
        pipelines: pipelinesOf(registry),
        similar: (itemId, n) => feeds.similar(itemId, n),
      });
      io.out(`genfeed API on ${server.url} (store: ${store.backend} ${store.location})`);
      io.out(`  OpenAPI document: ${server.url}/openapi.json`);
      io.out(`  dashboard: ${server.url}/dashboard (log in with an admin key)`);
      io.out(`  pipelines: ${pipelines}`);
      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          io.logger.info(`${signal}: finishing in-flight requests, then closing the store`);
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          feeds.close();
          registry.close();
          void server.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
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
