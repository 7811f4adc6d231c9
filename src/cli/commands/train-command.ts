import { Command, Option } from 'commander';
import { InvalidInputError, Random } from '../../core/index.js';
import { loadDataset, type ReadReport } from '../../data/index.js';
import { parseParams, splitProtocols } from '../../eval/index.js';
import { modelFormats, saveModelDirectory } from '../../generative/index.js';
import { registryTarget, watchAndRetrain } from '../../platform/index.js';
import { DEFAULT_SQLITE_PATH, openStore } from '../../storage/index.js';
import { type CliIo, longRunLogger } from '../cli-io.js';
import { withDataOptions } from '../data-options.js';
import { checkModelParams, readEvalConfig } from '../eval-config.js';
import { reportSkipped } from '../evaluate.js';
import { findModel, modelSpecFor } from '../model-registry.js';
import { packageVersion } from '../package-paths.js';
import { parseInteger } from '../parse-flags.js';
import { terminalProgress } from '../terminal-progress.js';
import { datasetFingerprint, type FitOn, fitSequences, fitTargets } from '../training-data.js';

const savable = modelFormats.map((format) => format.name);

export function trainCommand(io: CliIo): Command {
  const command = new Command('train')
    .description('Fit a model on a whole data set and write a loadable model directory')
    .argument('<model>', `model to train (${savable.join(', ')})`)
    .option('--data <path>', 'data file or folder (required without --watch)')
    .option(
      '--out <dir>',
      'model directory to write (manifest.json, weights, item ids; required without --watch)',
    );
  withWatchOptions(command);
  return withDataOptions(command)
    .option(
      '--config <file>',
      'JSON preset (config/): its params are used as they are, its search is not run',
    )
    .option('--seed <n>', 'random seed', parseInteger, 42)
    .addOption(
      new Option(
        '--fit-on <what>',
        "every user's whole sequence, or eval's refit data (default: the preset's, else all)",
      ).choices(fitTargets),
    )
    .addOption(
      new Option('--protocol <protocol>', 'split for --fit-on train+validation (default: as eval)').choices(
        splitProtocols,
      ),
    )
    .action(async (modelName: string, flags) => {
      if (flags.watch) return watch(io, modelName, flags);
      for (const required of ['data', 'out'] as const)
        if (!flags[required])
          throw new InvalidInputError(`required option '--${required}' not specified (or pass --watch)`);
      if (!savable.includes(modelName))
        throw new InvalidInputError(
          `Cannot train "${modelName}" into a model directory; available: ${savable.join(', ')}`,
        );
      const spec = findModel(modelName);
      const config = flags.config ? readEvalConfig(flags.config) : undefined;
      if (config?.model && config.model !== modelName)
        throw new InvalidInputError(`Model ${modelName} disagrees with the config's model ${config.model}`);
      if (config) checkModelParams(config, spec, flags.config);
      if (config?.search) io.logger.warn('train fits one model: the config\'s "search" is ignored');
      const params = parseParams(spec, config?.params ?? {});

      const reports: ReadReport[] = [];
      const dataset = await loadDataset(flags.data, {
        ...(flags.format && { format: flags.format }),
        ...(flags.kuairecMatrix && { kuairecMatrix: flags.kuairecMatrix }),
        skipBadRows: Boolean(flags.skipBadRows),
        reports,
      });
      reportSkipped(reports, io);
      const fitOn: FitOn = flags.fitOn ?? config?.fitOn ?? 'all';
      const sequences = fitSequences(dataset, fitOn, {
        protocol: flags.protocol ?? config?.protocol,
        validationFraction: config?.validationFraction,
        testFraction: config?.testFraction,
      });
      const itemIds = dataset.interactions.items.ids();
      const interactions = sequences.reduce((sum, sequence) => sum + sequence.length, 0);
      io.logger.info(
        `training ${modelName} on ${dataset.name} (${fitOn}): ${sequences.length} users, ${itemIds.length} items, ${interactions} interactions`,
      );

      const model = modelSpecFor(modelName, dataset).create(params);
      const started = performance.now();
      await model.fit(
        { numUsers: sequences.length, numItems: itemIds.length, sequences },
        {
          random: new Random(flags.seed),
          logger: longRunLogger(io),
          progress: terminalProgress(io.interactive),
        },
      );
      const trainSeconds = (performance.now() - started) / 1000;
      const manifest = await saveModelDirectory(flags.out, model, {
        model: modelName,
        params,
        dataset: {
          name: dataset.name,
          fingerprint: datasetFingerprint(itemIds, sequences),
          users: sequences.length,
          interactions,
        },
        fitOn,
        itemIds,
        seed: flags.seed,
        trainSeconds,
        genfeedVersion: packageVersion(),
      });
      io.out(
        `wrote ${flags.out}: ${modelName} on ${dataset.name}, trained in ${trainSeconds.toFixed(1)} s, peak RSS ${manifest.peakRssMB} MB (${Object.keys(manifest.files).join(', ')}, manifest.json)`,
      );
    });
}

/** `--watch`: retrain from a store's event log on a schedule, publish through the gate (docs/demo.md). */
function withWatchOptions(command: Command): void {
  command
    .option('--watch', "retrain from the store's event log every --every minutes; publish only past the gate")
    .option('--every <minutes>', 'minutes between retraining rounds (--watch)', Number, 60)
    .option('--rounds <n>', 'stop after this many rounds (--watch; default: until Ctrl-C)', parseInteger)
    .option('--tolerance <recall>', 'publish when Recall@10 >= active - tolerance (--watch)', Number, 0.005)
    .option('--epochs <n>', 'training epochs per round (--watch)', parseInteger, 3)
    .addOption(
      new Option('--db <file>', `SQLite store (--watch; default ${DEFAULT_SQLITE_PATH})`).conflicts(
        'postgres',
      ),
    )
    .addOption(new Option('--postgres <url>', 'PostgreSQL store (--watch)').env('GENFEED_POSTGRES_URL'))
    .option(
      '--models <dir>',
      "this machine's cache of model versions, as genfeed serve's --models (--watch; the store keeps their files)",
      'genfeed-models',
    );
}

async function watch(io: CliIo, modelName: string, flags: Record<string, unknown>): Promise<void> {
  if (modelName !== 'generative')
    throw new InvalidInputError(`train --watch retrains the generative model, not "${modelName}"`);
  const store = await openStore(
    flags.postgres
      ? { postgres: String(flags.postgres) }
      : { sqlite: String(flags.db ?? DEFAULT_SQLITE_PATH) },
    { logger: io.logger },
  );
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  try {
    const registry = registryTarget(store, String(flags.models), io.logger);
    await watchAndRetrain(store, registry.publish, {
      modelDirectory: registry.modelDirectory,
      everyMinutes: Number(flags.every),
      ...(flags.rounds === undefined ? {} : { rounds: Number(flags.rounds) }),
      tolerance: Number(flags.tolerance),
      params: { epochs: Number(flags.epochs), decayEpochs: Number(flags.epochs) },
      seed: Number(flags.seed),
      genfeedVersion: packageVersion(),
      logger: io.logger,
      progress: terminalProgress(io.interactive),
      signal: controller.signal,
      onReport: (report) =>
        io.out(
          `${new Date().toISOString()} ${report.events} events, ${report.heldOutUsers} held-out users: candidate Recall@10 ${report.candidate.toFixed(4)}, active ${report.active === undefined ? '-' : report.active.toFixed(4)}: ${report.decision.publish ? `published version ${report.published}` : 'not published'} (${report.decision.reason})`,
        ),
    });
  } finally {
    process.off('SIGINT', stop);
    await store.close();
  }
}
