import { type Logger, Random, silentLogger } from '../core/index.js';
import { loadDataset } from '../data/index.js';
import {
  givenSplit,
  type Params,
  type Recommender,
  type RecommenderSpec,
  runEvaluation,
} from '../eval/index.js';
import { spearman } from '../statistics/index.js';
import { runAbTest } from './ab-test.js';
import type { Environment } from './environment.js';
import { recommenderPolicy } from './policies.js';

/** Random scores: the floor of the offline ranking, as an eval model. */
export const randomScoresSpec: RecommenderSpec = {
  name: 'random',
  description: 'random scores',
  defaults: { seed: 1 },
  search: {},
  create: (params) => {
    let random = new Random(params.seed);
    const model: Recommender = {
      fit: (_data, context) => {
        random = context.random.fork();
        return undefined;
      },
      score: (_user, _history, scores) => {
        for (let item = 0; item < scores.length; item++) scores[item] = random.next();
      },
    };
    return model;
  },
};

export interface ValidityModel {
  spec: RecommenderSpec<Params>;
  params?: Params;
}

export interface ValidityRow {
  model: string;
  /** Recall@10 on the real KuaiRec small-matrix test split (model fit on the train split). */
  recallAt10: number;
  /** Simulated hidden satisfaction per impression, mean over seeds. */
  satisfaction: number;
  stayTimePerUserDay: number;
}

export interface ValidityReport {
  rows: ValidityRow[];
  /** Spearman correlation of the models' order by real Recall@10 and by simulated satisfaction. */
  spearmanSatisfaction: number;
  spearmanStayTime: number;
  days: number;
  seeds: number;
}

/**
 * The simulator's validity check (issue 5): rank models by Recall@10 on the real
 * KuaiRec test split, and by the satisfaction their feeds earn from the
 * real-mode simulated users (whose taste comes from the same train split);
 * report the rank correlation. Both sides fit on the train split only.
 */
export async function validityCheck(
  environment: Environment,
  kuairecFolder: string,
  options: { models: ValidityModel[]; days: number; seeds: number; seed?: number; logger?: Logger },
): Promise<ValidityReport> {
  if (environment.world.mode !== 'real') throw new RangeError('validityCheck needs a real-mode world');
  const logger = options.logger ?? silentLogger;
  const seed = options.seed ?? 42;
  const dataset = await loadDataset(kuairecFolder, { format: 'kuairec' });
  if (!dataset.part)
    throw new RangeError(`${kuairecFolder} has no shipped split (small_matrix_{train,valid,test}.txt)`);
  const split = givenSplit(dataset.interactions, dataset.part, {
    positiveThreshold: dataset.positiveThreshold ?? 1,
  });
  if (
    split.numItems !== environment.world.catalogue.size ||
    split.numUsers !== environment.world.population.size
  ) {
    throw new RangeError('validityCheck: the KuaiRec split and the world disagree on users or items');
  }
  const recalls: number[] = [];
  for (const model of options.models) {
    logger.info(`validity: offline Recall@10 of ${model.spec.name}`);
    const report = await runEvaluation(model.spec, split, {
      dataset: dataset.name,
      seed,
      refit: false,
      params: { ...model.spec.defaults, ...model.params },
      search: {},
      logger,
    });
    recalls.push(report.metrics['recall@10'] ?? Number.NaN);
  }
  const simulated = await runAbTest(environment, {
    policies: options.models.map((model) => recommenderPolicy(model.spec, model.params)),
    days: options.days,
    users: environment.world.population.size,
    seeds: options.seeds,
    seed,
    warmupDays: 0,
    logger,
  });
  const rows = options.models.map((model, k) => ({
    model: model.spec.name,
    recallAt10: recalls[k]!,
    satisfaction: simulated.policies[k]!.satisfactionPerImpression.mean,
    stayTimePerUserDay: simulated.policies[k]!.stayTimePerUserDay.mean,
  }));
  return {
    rows,
    spearmanSatisfaction: spearman(
      rows.map((row) => row.recallAt10),
      rows.map((row) => row.satisfaction),
    ),
    spearmanStayTime: spearman(
      rows.map((row) => row.recallAt10),
      rows.map((row) => row.stayTimePerUserDay),
    ),
    days: options.days,
    seeds: options.seeds,
  };
}
