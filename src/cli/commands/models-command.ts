import { Command, InvalidArgumentError, Option } from 'commander';
import { InvalidInputError } from '../../core/index.js';
import { ModelRegistry, ModelService, readCatalogue } from '../../serve/index.js';
import { DEFAULT_SQLITE_PATH, openStore, type Store, type StoreLocation } from '../../storage/index.js';
import type { CliIo } from '../cli-io.js';

/** `recall10=0.31,ndcg10=0.2` -> `{ recall10: 0.31, ndcg10: 0.2 }`. */
function parseMetrics(value: string): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const part of value.split(',')) {
    const [name, raw] = part.split('=');
    const number = Number(raw);
    if (!name || raw === undefined || !Number.isFinite(number))
      throw new InvalidArgumentError(`expected name=number pairs like recall10=0.31, got "${part}"`);
    metrics[name.trim()] = number;
  }
  return metrics;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function parseVersion(value: string): number {
  const version = Number(value);
  if (!Number.isInteger(version) || version < 1)
    throw new InvalidArgumentError(`expected a version number >= 1, got "${value}"`);
  return version;
}

function withRegistry(command: Command): Command {
  return command
    .addOption(
      new Option('--db <file>', `SQLite database file (default ${DEFAULT_SQLITE_PATH})`).conflicts(
        'postgres',
      ),
    )
    .addOption(
      new Option('--postgres <url>', 'PostgreSQL connection string instead of SQLite').env(
        'GENFEED_POSTGRES_URL',
      ),
    )
    .option(
      '--models <dir>',
      'local cache of model versions (as genfeed serve --models; the store keeps their files)',
      'genfeed-models',
    );
}

async function openFrom(flags: { db?: string; postgres?: string }, io: CliIo): Promise<Store> {
  const location: StoreLocation = flags.postgres
    ? { postgres: flags.postgres }
    : { sqlite: flags.db ?? DEFAULT_SQLITE_PATH };
  return openStore(location, { logger: io.logger });
}

/**
 * `genfeed models list|publish|activate|rollback|delete`: the model registry
 * from the command line, through `ModelService` as the admin API's routes and
 * the dashboard's forms. Versions and their files live in the store, so any
 * machine on it can publish or roll back; running servers follow the active version.
 */
export function modelsCommand(io: CliIo): Command {
  const command = new Command('models').description(
    'Versioned model directories: publish (checked and loaded first), activate or roll back, list, delete',
  );
  const withOpen = async (
    flags: { db?: string; postgres?: string; models: string },
    work: (models: ModelService) => Promise<void>,
  ) => {
    const store = await openFrom(flags, io);
    try {
      const registry = new ModelRegistry({
        store,
        root: flags.models,
        catalogue: () => readCatalogue(store),
        logger: io.logger,
      });
      await work(new ModelService(store, registry));
    } finally {
      await store.close();
    }
  };
  command.addCommand(
    withRegistry(
      new Command('publish')
        .description(
          "Store a model directory as the next version (files and version in the store's database), after checking and loading it",
        )
        .argument('<name>', 'model name: generative or cascade')
        .argument('<dir>', 'directory written by genfeed train (or saveCascade)')
        .option(
          '--metrics <pairs>',
          'offline metrics kept with the version, e.g. recall10=0.31',
          parseMetrics,
        )
        .option('--no-activate', 'record the version without making it active'),
    ).action(async (name: string, dir: string, flags) =>
      withOpen(flags, async (models) => {
        const version = await models.publish(name, dir, {
          activate: flags.activate,
          ...(flags.metrics !== undefined && { metrics: flags.metrics }),
        });
        io.out(
          `${name}@${version.version} ${version.active ? 'active' : 'recorded'} at ${version.path} (checksum ${version.checksum.slice(0, 12)})`,
        );
      }),
    ),
  );
  command.addCommand(
    withRegistry(
      new Command('activate')
        .description(
          'Make a recorded version active (it is fetched, checked and loaded here first); servers swap to it within seconds',
        )
        .argument('<name>', 'model name')
        .argument('<version>', 'version number', parseVersion),
    ).action(async (name: string, version: number, flags) =>
      withOpen(flags, async (models) => {
        const active = await models.activate(name, version);
        io.out(`${name}@${active.version} active`);
      }),
    ),
  );
  command.addCommand(
    withRegistry(
      new Command('rollback')
        .description(
          'Activate the version before the active one (the newest recorded below it), loaded and checked here first',
        )
        .argument('<name>', 'model name'),
    ).action(async (name: string, flags) =>
      withOpen(flags, async (models) => {
        const active = await models.rollback(name);
        io.out(`${name}@${active.version} active`);
      }),
    ),
  );
  command.addCommand(
    withRegistry(
      new Command('delete')
        .description('Delete a version that is not active, with its files in the store')
        .argument('<name>', 'model name')
        .argument('<version>', 'version number', parseVersion),
    ).action(async (name: string, version: number, flags) =>
      withOpen(flags, async (models) => {
        await models.delete(name, version);
        io.out(`${name}@${version} deleted`);
      }),
    ),
  );
  command.addCommand(
    withRegistry(
      new Command('list')
        .description('Recorded versions, newest first')
        .argument('[name]', 'only this model'),
    ).action(async (name: string | undefined, flags) =>
      withOpen(flags, async (models) => {
        const versions = await models.list(name);
        if (versions.length === 0) {
          if (name !== undefined) throw new InvalidInputError(`No versions of model "${name}" are recorded`);
          io.out('no model versions recorded');
        }
        for (const v of versions)
          io.out(
            [
              `${v.name}@${v.version}`,
              v.active ? 'active' : '',
              new Date(v.createdAt).toISOString(),
              Object.entries(v.metrics)
                .map(([metric, value]) => `${metric}=${value}`)
                .join(','),
              v.storedFiles > 0
                ? `${v.storedFiles} files, ${megabytes(v.storedBytes)} in the store`
                : 'files on disk only',
              v.path,
            ].join('\t'),
          );
      }),
    ),
  );
  return command;
}
