/**
 * One validation fit of SASRec on a leave-one-out data set (docs/sasrec.md's
 * ablation rows): fit on the training part with early stopping on validation
 * Recall@10, then rank the whole validation phase. The test is not touched.
 * Appends a JSON line (name, params, validation metrics, epochs, seconds) to --out.
 *
 *   node dist/bench-parity/bench/parity/sasrec-ablation.js --name reference \
 *     --params '{"ffnDim":64,...}' [--data ../shared/data/amazon-beauty/Beauty.txt] [--seed 42]
 */
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Random, silentProgress, streamLogger } from '../../src/core/index.js';
import { loadDataset } from '../../src/data/index.js';
import { evaluatePhase, leaveOneOut } from '../../src/eval/index.js';
import { SasRecRecommender } from '../../src/generative/sasrec-spec.js';
import { backendInfo } from '../../src/tensor/index.js';

const { values: flags } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/data/amazon-beauty/Beauty.txt' },
    name: { type: 'string', default: 'run' },
    params: { type: 'string', default: '{}' },
    seed: { type: 'string', default: '42' },
    out: { type: 'string', default: 'bench/results/sasrec-ablations.jsonl' },
  },
});
const logger = streamLogger({ debug: true });
const dataset = await loadDataset(resolve(flags.data!), { format: 'sequences' });
const split = leaveOneOut(dataset.interactions);
const recommender = new SasRecRecommender(JSON.parse(flags.params!) as Record<string, number | string>);
logger.info(`${flags.name}: ${JSON.stringify(recommender.params)} on ${backendInfo().description}`);
const started = performance.now();
const fit = await recommender.fit(
  { numUsers: split.numUsers, numItems: split.numItems, sequences: split.validation.fit },
  { random: new Random(Number(flags.seed)), logger, progress: silentProgress, validation: split.validation },
);
const fitSeconds = (performance.now() - started) / 1000;
const result = evaluatePhase(recommender, split.validation, split.numItems, { ks: [5, 10, 20] });
const m = result.metrics;
const row = {
  name: flags.name,
  data: dataset.name,
  params: recommender.params,
  chosen: fit?.chosen,
  epochsRun: recommender.training?.epochs,
  validation: { users: result.users, metrics: m },
  fitSeconds: Math.round(fitSeconds),
  backend: backendInfo().description,
  seed: Number(flags.seed),
};
logger.info(
  `${flags.name}: validation R@10 ${m['recall@10']?.toFixed(4)} N@10 ${m['ndcg@10']?.toFixed(4)} (best epoch ${fit?.chosen?.epochs} of ${row.epochsRun}, fit ${row.fitSeconds} s)`,
);
appendFileSync(flags.out!, `${JSON.stringify(row)}\n`);
