import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import { baselineSpecs } from '../../baselines/index.js';
import { type EvaluationReport, formatReportMarkdown, formatReportTable } from '../../eval/index.js';
import { anchorFor, anchors } from '../anchors.js';
import type { CliIo } from '../cli-io.js';
import { evaluateModel, type LoadSplitOptions, loadSplit } from '../evaluate.js';
import { packageRoot } from '../package-paths.js';
import { parseInteger } from '../parse-flags.js';

/** The real data sets the baseline benchmark runs on, each with its protocol. */
const benchDatasets: Array<{ name: string; path: string; options: LoadSplitOptions }> = [
  {
    name: 'amazon-beauty',
    path: 'amazon-beauty/Beauty.txt',
    options: { format: 'sequences', protocol: 'leave-one-out' },
  },
  {
    name: 'kuairec-small',
    path: 'kuairec',
    options: { format: 'kuairec', kuairecMatrix: 'splits', protocol: 'given' },
  },
  {
    name: 'movielens-latest-small',
    path: 'movielens-latest-small',
    options: { format: 'movielens', protocol: 'temporal' },
  },
  // The global time cut leaves MovieLens latest-small few warm test users (most rate
  // in one burst), so it is also evaluated leave-one-out in time order.
  {
    name: 'movielens-latest-small-loo',
    path: 'movielens-latest-small',
    options: { format: 'movielens', protocol: 'leave-one-out' },
  },
];

export function benchCommand(io: CliIo): Command {
  const bench = new Command('bench').description(
    'Benchmarks on the real data sets (results in bench/results/)',
  );
  bench
    .command('baselines')
    .description(
      'pop, item-kNN and Markov + kNN on Amazon Beauty, KuaiRec small matrix and MovieLens latest-small',
    )
    .option('--data-root <dir>', 'folder holding the data sets', resolve(packageRoot, '../shared/data'))
    .option('--out <file>', 'JSON output', join(packageRoot, 'bench/results/baselines.json'))
    .option('--only <names>', `comma-separated data sets (${benchDatasets.map((d) => d.name).join(', ')})`)
    .option('--seed <n>', 'random seed', parseInteger, 42)
    .action(async (flags) => {
      const only: string[] | undefined = flags.only?.split(',');
      const results: EvaluationReport[] = [];
      for (const entry of benchDatasets.filter((d) => !only || only.includes(d.name))) {
        const { split } = await loadSplit(join(flags.dataRoot, entry.path), entry.options, io);
        for (const spec of baselineSpecs) {
          results.push(
            await evaluateModel(spec, split, { dataset: entry.name, seed: flags.seed, refit: true }, io),
          );
        }
      }
      io.out(formatReportTable(results));
      io.out('');
      io.out(formatAnchorComparison(results));
      mkdirSync(dirname(flags.out), { recursive: true });
      const output = {
        benchmark: 'baselines',
        generatedAt: new Date().toISOString(),
        node: process.version,
        results,
        anchors,
      };
      // Unindented: every search trial's metrics make the indented file over 200 KB; the .md is the readable one.
      writeFileSync(flags.out, `${JSON.stringify(output)}\n`);
      const markdown = flags.out.replace(/\.json$/, '.md');
      writeFileSync(markdown, `${formatReportMarkdown(results)}\n`);
      io.logger.info(`wrote ${flags.out} and ${markdown}`);
    });
  return bench;
}

function formatAnchorComparison(results: readonly EvaluationReport[]): string {
  const lines = ['genfeed vs anchor (same protocol)'];
  for (const report of results) {
    const anchor = anchorFor(report.dataset, report.model);
    if (!anchor) continue;
    const cells = Object.entries(anchor.metrics)
      .filter(([, value]) => Number.isFinite(value))
      .map(([key, value]) => `${key} ${(report.metrics[key] ?? 0).toFixed(4)} vs ${value.toFixed(4)}`);
    lines.push(`  ${report.dataset} ${report.model}: ${cells.join(', ')}  [${anchor.source}]`);
  }
  return lines.join('\n');
}
