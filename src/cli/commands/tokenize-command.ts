import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { loadDataset, type ReadReport } from '../../data/index.js';
import { type DatasetTokenizerRun, type ItemVectorKind, tokenizerReport } from '../../tokenizer/index.js';
import type { CliIo } from '../cli-io.js';
import { withDataOptions } from '../data-options.js';
import { reportSkipped } from '../evaluate.js';
import { parseInteger } from '../parse-flags.js';

const kinds: readonly ItemVectorKind[] = ['content', 'collaborative', 'combined'];

export function tokenizeCommand(io: CliIo): Command {
  const command = new Command('tokenize')
    .description(
      "Give every item a semantic ID (balanced residual k-means over its vectors) and report the codebooks' quality",
    )
    .requiredOption('--data <path>', 'data file or folder');
  return withDataOptions(command)
    .addOption(
      new Option('--vectors <kind>', 'item vectors to tokenize (default: all three)').choices([
        ...kinds,
        'all',
      ]),
    )
    .option('--levels <n>', 'code levels L', parseInteger, 3)
    .option('--codebook-size <n>', 'codes per level K (up to 8192)', parseInteger, 256)
    .option('--no-balance', 'plain k-means assignment instead of balanced')
    .option(
      '--hold-out <n>',
      'items dropped from the end of each sequence before collaborative vectors',
      parseInteger,
      2,
    )
    .option('--seed <n>', 'random seed', parseInteger, 42)
    .option('--json <out.json>', 'write the reports as JSON')
    .action(async (flags) => {
      const reports: ReadReport[] = [];
      const dataset = await loadDataset(flags.data, {
        ...(flags.format && { format: flags.format }),
        ...(flags.kuairecMatrix && { kuairecMatrix: flags.kuairecMatrix }),
        skipBadRows: Boolean(flags.skipBadRows),
        reports,
      });
      reportSkipped(reports, io);
      const selected = !flags.vectors || flags.vectors === 'all' ? kinds : [flags.vectors as ItemVectorKind];
      const runs = tokenizerReport(dataset, {
        kinds: selected,
        holdOut: flags.holdOut,
        content: { seed: flags.seed },
        collaborative: { seed: flags.seed },
        combine: { seed: flags.seed },
        tokenizer: {
          levels: flags.levels,
          codebookSize: flags.codebookSize,
          balanced: flags.balance,
          seed: flags.seed,
          logger: io.logger,
        },
      });
      io.out(formatTokenizerRuns(dataset.name, runs));
      if (flags.json) {
        writeFileSync(flags.json, `${JSON.stringify({ dataset: dataset.name, runs }, null, 2)}\n`);
        io.logger.info(`wrote ${flags.json}`);
      }
    });
}

export function formatTokenizerRuns(dataset: string, runs: readonly DatasetTokenizerRun[]): string {
  const header = [
    'vectors',
    'items',
    'L x K',
    'utilisation',
    'collisions',
    'max/path',
    'recon. error',
    'empty',
    'fit s',
  ];
  const rows = runs.map((run) => {
    const report = run.report;
    return [
      run.kind,
      String(report.items),
      `${report.levels} x ${report.codebookSize}`,
      report.utilisation.map((share) => `${(share * 100).toFixed(0)}%`).join('/'),
      `${(report.collisionRate * 100).toFixed(1)}%`,
      String(report.maxItemsPerPath),
      report.reconstructionError.toFixed(3),
      String(run.emptyItems),
      run.fitSeconds.toFixed(1),
    ];
  });
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column]!.length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
  return [`semantic IDs of ${dataset}`, line(header), ...rows.map(line)].join('\n');
}
