import { type Logger, Random, silentLogger, silentProgress } from '../core/index.js';
import type { TrainingData } from '../eval/index.js';
import { formulaWeights, headNames } from '../reward/index.js';
import { BucketMetrics } from './bucket-metrics.js';
import type { Environment } from './environment.js';
import { ImpressionLogSink } from './impression-log-sink.js';
import { policyRandom, randomPolicy } from './policies.js';
import { SimulationState } from './simulation-state.js';
import { simulateDays } from './simulator.js';
import { type FormulaWeights, formulaPolicy } from './tuned-formula.js';

export interface TuneFormulaOptions {
  /** Random candidates besides the hand-set weights (pre-registered: 24). */
  candidates?: number;
  /** Each weight is multiplied by e^U(-spread, spread) (pre-registered: 1.5). */
  spread?: number;
  /** Replicate seeds every candidate is scored on (pre-registered: 2). */
  seeds?: number;
  /** How many of the best are scored again on as many new seeds (pre-registered: 3). */
  finalists?: number;
  users?: number;
  warmupDays?: number;
  days?: number;
  seed?: number;
  logger?: Logger;
}

export interface FormulaCandidate {
  weights: FormulaWeights;
  /** Stay seconds per user-day, one per replicate seed scored. */
  stayTime: number[];
  meanStayTime: number;
}

export interface TunedFormula {
  best: FormulaCandidate;
  /** Every candidate, the hand-set weights first, in the order drawn. */
  candidates: FormulaCandidate[];
}

/**
 * Searches the formula's nine weights the way a platform tunes them, as
 * pre-registered (docs/simulate.md, "How the formula baseline is tuned"): the
 * hand-set weights and `candidates` random multiples of them, each served to
 * every participant of `environment`'s world (a tuning world, never the
 * evaluation's) after one shared warm-up and one shared reward model, scored by
 * stay time per user-day over `seeds` replicate seeds (the same seeds for every
 * candidate: common random numbers); the best `finalists` are scored again on
 * as many new seeds and the best mean over all their seeds wins.
 */
export async function tuneFormulaWeights(
  environment: Environment,
  options: TuneFormulaOptions = {},
): Promise<TunedFormula> {
  const { world, params, reference } = environment;
  const logger = options.logger ?? silentLogger;
  const seed = options.seed ?? 7;
  const seeds = options.seeds ?? 2;
  const days = options.days ?? 3;
  const warmupDays = options.warmupDays ?? 3;
  if (!(warmupDays >= 1)) throw new RangeError(`tuneFormulaWeights needs warm-up days, got ${warmupDays}`);
  const random = new Random(seed);
  const population = world.population.size;
  const users = Math.min(options.users ?? 1000, population);
  const assignment = new Int32Array(population).fill(-1);
  for (const user of random.shuffle([...Array(population).keys()]).slice(0, users)) assignment[user] = 0;

  // One warm-up of random exposure: its long views fit the recall, its impressions the reward model.
  const start = new SimulationState(world, reference);
  const sequences: number[][] = Array.from({ length: population }, () => []);
  const warmupLog = new ImpressionLogSink(world);
  const context = {
    world,
    training: { numUsers: population, numItems: world.catalogue.size, sequences: [] } as TrainingData,
    random: policyRandom(seed, 0),
    logger,
    progress: silentProgress,
  };
  simulateDays(world, params, reference, start, {
    days: warmupDays,
    assignment,
    policies: [await randomPolicy.create(context)],
    sink: {
      impression: (impression) => {
        if (impression.outcome.longView) sequences[impression.user]!.push(impression.item);
        warmupLog.impression(impression);
      },
    },
    seed: seed * 31 + 7,
  });
  const training: TrainingData = {
    numUsers: population,
    numItems: world.catalogue.size,
    sequences: sequences.map((sequence) => Int32Array.from(sequence)),
  };
  const impressions = warmupLog.build().log;

  const score = async (weights: FormulaWeights, replicate: number): Promise<number> => {
    const policy = await formulaPolicy('formula-candidate', weights).create({
      ...context,
      training,
      impressions,
      random: policyRandom(seed, 1),
    });
    const state = start.clone(world, reference);
    const metrics = new BucketMetrics(assignment, 1, state.day, days);
    simulateDays(world, params, reference, state, {
      days,
      assignment,
      policies: [policy],
      sink: metrics,
      seed: seed * 1000 + 101 * replicate + 1,
    });
    return metrics.figures(0).stayTimePerUserDay;
  };

  const spread = options.spread ?? 1.5;
  const drawn: FormulaWeights[] = [{ ...formulaWeights }];
  for (let k = 0; k < (options.candidates ?? 24); k++) {
    const weights = { ...formulaWeights };
    // A multiple keeps each weight's sign: the hate weight stays a cost.
    for (const name of headNames) weights[name] *= Math.exp(spread * (2 * random.next() - 1));
    drawn.push(weights);
  }
  const candidates: FormulaCandidate[] = [];
  for (const [index, weights] of drawn.entries()) {
    const stayTime: number[] = [];
    for (let replicate = 0; replicate < seeds; replicate++) stayTime.push(await score(weights, replicate));
    candidates.push({ weights, stayTime, meanStayTime: mean(stayTime) });
    logger.info(`formula candidate ${index + 1}/${drawn.length}: ${mean(stayTime).toFixed(1)} s / user-day`);
  }
  const finalists = [...candidates]
    .sort((a, b) => b.meanStayTime - a.meanStayTime)
    .slice(0, options.finalists ?? 3);
  for (const finalist of finalists) {
    for (let replicate = seeds; replicate < 2 * seeds; replicate++)
      finalist.stayTime.push(await score(finalist.weights, replicate));
    finalist.meanStayTime = mean(finalist.stayTime);
  }
  const best = finalists.reduce((a, b) => (b.meanStayTime > a.meanStayTime ? b : a));
  return { best, candidates };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}
