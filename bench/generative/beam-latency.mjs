// Beam-search latency of a trained generative model directory, per test user,
// measured as `genfeed eval` measures it (the model's own report: a top-10 list
// at beam 20 and 50 for 300 sampled test users after 20 warm-up calls), but on
// a model written by `genfeed train`, so the timing can run alone on a quiet
// machine instead of inside a 30-minute evaluation.
//
//   node bench/generative/beam-latency.mjs --model-dir DIR --data PATH [--protocol leave-one-out] [--out FILE]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Random } from '../../dist/core/index.js';
import { loadDataset } from '../../dist/data/index.js';
import { splitDataset } from '../../dist/eval/index.js';
import { loadModelDirectory } from '../../dist/generative/index.js';

const { values } = parseArgs({
  options: {
    'model-dir': { type: 'string' },
    data: { type: 'string' },
    protocol: { type: 'string' },
    seed: { type: 'string', default: '42' },
    out: { type: 'string' },
  },
});
if (!values['model-dir'] || !values.data) {
  console.error(
    'usage: node bench/generative/beam-latency.mjs --model-dir DIR --data PATH [--protocol P] [--out FILE]',
  );
  process.exit(2);
}

const model = await loadModelDirectory(values['model-dir']);
const dataset = await loadDataset(values.data);
const split = splitDataset(dataset, values.protocol ? { protocol: values.protocol } : {});
// The phase's items are the data set's indices; the report runs on the model's, so they must be one order.
const datasetIds = dataset.interactions.items.ids();
if (datasetIds.length !== model.itemIds.length || datasetIds.some((id, i) => id !== model.itemIds[i])) {
  console.error('the model directory was trained on another item list than this data set');
  process.exit(1);
}
if (typeof model.recommender.report !== 'function') {
  console.error(`model ${model.manifest.model} reports no latency`);
  process.exit(1);
}
const report = await model.recommender.report(split.test, {
  random: new Random(Number(values.seed)),
  numItems: split.numItems,
});
const result = {
  modelDir: values['model-dir'],
  data: values.data,
  protocol: split.protocol,
  model: model.manifest.model,
  params: model.manifest.params,
  beamLatencyMs: report.beamLatencyMs,
  beamWarmUpMs: report.beamWarmUpMs,
  measuredAt: new Date().toISOString(),
};
for (const [beam, summary] of Object.entries(report.beamLatencyMs ?? {}))
  console.log(
    `${beam}: ${JSON.stringify(summary)} (warm-up calls: ${JSON.stringify(report.beamWarmUpMs?.[beam])})`,
  );
if (values.out) writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
