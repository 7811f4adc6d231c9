import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { InvalidInputError } from '../../core/index.js';
import { formatReportTable, splitProtocols } from '../../eval/index.js';
import { type CliIo, longRunLogger } from '../cli-io.js';
import { withDataOptions } from '../data-options.js';
import { checkModelParams, readEvalConfig } from '../eval-config.js';
import { evaluateModel, loadSplit } from '../evaluate.js';
import { findModel, modelSpecFor, modelSpecs } from '../model-registry.js';
import { parseInteger } from '../parse-flags.js';

export function evalCommand(io: CliIo): Command {
  const command = new Command('eval')
    .description(
      'Evaluate a model offline on a data set: choose hyperparameters on validation, score the test with that model (no refit), refit, score the test again',
    )
    .requiredOption('--data <path>', 'data file or folder (e.g. ../shared/data/amazon-beauty/Beauty.txt)');
  return withDataOptions(command)
    .addOption(new Option('--model <name>', 'model to evaluate').choices(modelSpecs.map((spec) => spec.name)))
    .option('--config <file>', 'JSON preset: fixed params, search space, protocol (see config/)')
    .option('--json <out.json>', 'write the report as JSON')
    .option('--seed <n>', 'random seed', parseInteger, 42)
    .addOption(
      new Option(
        '--protocol <protocol>',
        "split protocol (default: the data set's own split, leave-one-out for sequences, else temporal)",
      ).choices(splitProtocols),
    )
    .option(
      '--no-refit',
      "skip the refit: the test figures are the validation model's (the no-refit column, which every report has)",
    )
    .action(async (flags) => {
      const config = flags.config ? readEvalConfig(flags.config) : undefined;
      const modelName: string | undefined = flags.model ?? config?.model;
      if (!modelName) throw new InvalidInputError('Missing --model (or a "model" in the --config file)');
      if (flags.model && config?.model && flags.model !== config.model) {
        throw new InvalidInputError(
          `--model ${flags.model} disagrees with the config's model ${config.model}`,
        );
      }
      // An unknown model or a bad param fails before the data set is read.
      const spec = findModel(modelName);
      if (config) checkModelParams(config, spec, flags.config);
      const { dataset, split } = await loadSplit(
        flags.data,
        {
          format: flags.format,
          protocol: flags.protocol ?? config?.protocol,
          skipBadRows: flags.skipBadRows,
          kuairecMatrix: flags.kuairecMatrix,
          validationFraction: config?.validationFraction,
          testFraction: config?.testFraction,
        },
        io,
      );
      const report = await evaluateModel(
        modelSpecFor(modelName, dataset),
        split,
        { dataset: dataset.name, seed: flags.seed, refit: flags.refit, config },
        { ...io, logger: longRunLogger(io) },
      );
      io.out(formatReportTable([report]));
      io.out(`protocol: ${report.protocol.split}; ${report.protocol.fitPolicy}; ${report.protocol.ranking}`);
      if (flags.json) {
        writeFileSync(flags.json, `${JSON.stringify(report, null, 2)}\n`);
        io.logger.info(`wrote ${flags.json}`);
      }
    });
}
