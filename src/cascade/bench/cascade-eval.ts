/**
 * The cascade against item-kNN on the eval harness (same protocol, same split),
 * with CPU ms per request per stage. Run from the repository root after a build:
 *   npx tsc -p tsconfig.build.json && node dist/cascade/bench/cascade-eval.js [dataRoot]
 * Prints a table and writes bench/results/cascade.json. With `ablation` as the
 * second argument it runs the cascade without each recall source in turn and
 * with the untrained pre-rank (one row per variant, `model` names it) on the
 * data set named third (default amazon-beauty), and writes nothing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { itemKnnSpec } from '../../baselines/index.js';
import { loadDataset } from '../../data/index.js';
import {
  type EvaluationReport,
  formatReportMarkdown,
  runEvaluation,
  splitDataset,
} from '../../eval/index.js';
import { cascadeSpec } from '../cascade-recommender.js';

const dataRoot = process.argv[2] ?? fileURLToPath(new URL('../../../../shared/data', import.meta.url));
const out = fileURLToPath(new URL('../../../bench/results/cascade.json', import.meta.url));

const datasets = [
  {
    name: 'amazon-beauty',
    path: 'amazon-beauty/Beauty.txt',
    load: { format: 'sequences' as const },
    // The tuned item-kNN of bench/results/baselines.json.
    itemknn: { neighbours: 1000, shrink: 50, decay: 0.6 },
  },
  {
    name: 'kuairec-small',
    path: 'kuairec',
    load: { format: 'kuairec' as const, kuairecMatrix: 'splits' as const },
    itemknn: { neighbours: 200, shrink: 200, decay: 1 },
  },
];

const ablation = process.argv[3] === 'ablation';
const reports: EvaluationReport[] = [];
if (ablation) {
  const name = process.argv[4] ?? 'amazon-beauty';
  const dataset = datasets.find((candidate) => candidate.name === name);
  if (!dataset) throw new Error(`unknown data set ${name}: ${datasets.map((d) => d.name).join(', ')}`);
  const split = splitDataset(await loadDataset(join(dataRoot, dataset.path), dataset.load));
  const { neighbours, shrink, decay } = dataset.itemknn;
  const variants = {
    'cascade without ann': { annQuota: 0 },
    'cascade without itemknn': { itemknnQuota: 0 },
    'cascade without popular': { popularQuota: 0 },
    'cascade, untrained pre-rank': { prerankUsers: 0 },
  };
  for (const [name, change] of Object.entries(variants)) {
    const params = { neighbours, shrink, decay, ...change };
    const report = await runEvaluation(cascadeSpec, split, { dataset: dataset.name, seed: 42, params });
    reports.push({ ...report, model: name });
  }
  process.stdout.write(`${formatReportMarkdown(reports)}\n`);
  for (const report of reports)
    process.stdout.write(`${report.model}: ${JSON.stringify(report.funnelHitRates)}\n`);
  process.exit(0);
}
for (const dataset of datasets) {
  const loaded = await loadDataset(join(dataRoot, dataset.path), dataset.load);
  const split = splitDataset(loaded);
  const common = { dataset: dataset.name, seed: 42 };
  reports.push(await runEvaluation(itemKnnSpec, split, { ...common, params: dataset.itemknn, search: {} }));
  // The cascade's item-kNN recall uses the same neighbourhood settings.
  const { neighbours, shrink, decay } = dataset.itemknn;
  reports.push(await runEvaluation(cascadeSpec, split, { ...common, params: { neighbours, shrink, decay } }));
  process.stdout.write(`${dataset.name} done\n`);
}
process.stdout.write(`${formatReportMarkdown(reports)}\n`);
for (const report of reports) {
  if (report.model !== 'cascade') continue;
  process.stdout.write(`${report.dataset} cascade params ${JSON.stringify(report.params)}\n`);
  process.stdout.write(`  stages per request ${JSON.stringify(report.cascadeStagesPerRequest)}\n`);
  process.stdout.write(`  pre-rank weights ${JSON.stringify(report.prerankWeights)}\n`);
  process.stdout.write(`  funnel hit rates ${JSON.stringify(report.funnelHitRates)}\n`);
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ benchmark: 'cascade', generatedAt: new Date().toISOString(), reports }, null, 2)}\n`,
);
