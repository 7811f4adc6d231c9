import { type Logger, type Progress, Random, silentLogger, silentProgress } from '../core/index.js';
import type { TrainingData } from '../eval/index.js';
import type { FusionArchitecture } from '../reward/index.js';
import { type Estimate, estimate } from '../statistics/index.js';
import { type BucketFigures, BucketMetrics } from './bucket-metrics.js';
import type { Environment } from './environment.js';
import { ImpressionLogSink } from './impression-log-sink.js';
import { policyRandom, randomPolicy } from './policies.js';
import type { Policy, PolicyFactory } from './policy.js';
import { type BinarySignal, binarySignals } from './signals.js';
import { SimulationState } from './simulation-state.js';
import { type Impression, type SimulationSink, simulateDays } from './simulator.js';

export interface AbTestOptions {
  policies: readonly PolicyFactory[];
  days: number;
  /** Users taking part (at most the population; real mode samples them). */
  users: number;
  /** Replicates: each reshuffles the buckets and reseeds the users' behaviour. */
  seeds: number;
  seed?: number;
  /** The reward model's fusion for the policies that use one (default: the set transformer). */
  rewardFusion?: FusionArchitecture;
  /** Days of random exposure before the test, whose long views the policies are fit on (default: 3 in the playground, 0 in real mode). */
  warmupDays?: number;
  logger?: Logger;
  progress?: Progress;
  /** Also receives every impression of replicate 0 (e.g. a KuaiRand log writer). */
  log?: SimulationSink;
  /** Called after each replicate with its final state (follows: `state.fans`, the creator-fan links). */
  onReplicateEnd?: (replicate: number, state: SimulationState) => void;
}

export interface PolicyReport {
  name: string;
  /** Users per bucket (mean over seeds). */
  users: number;
  stayTimePerUserDay: Estimate;
  stayTimePerActiveUserDay: Estimate;
  dau: Estimate;
  retention: Estimate;
  impressionsPerUserDay: Estimate;
  satisfactionPerImpression: Estimate;
  satisfactionPerUserDay: Estimate;
  /** Satisfaction world: mean satisfaction stock at the end of the test days, share of users churned. */
  satisfactionStock: Estimate;
  churned: Estimate;
  signals: Record<BinarySignal, Estimate>;
}

export interface Comparison {
  a: string;
  b: string;
  stayTimeLiftPct: Estimate;
  retentionLiftPct: Estimate;
  dauLiftPct: Estimate;
  satisfactionLiftPct: Estimate;
}

export interface AbTestReport {
  policies: PolicyReport[];
  comparisons: Comparison[];
  days: number;
  users: number;
  seeds: number;
  warmupDays: number;
  impressions: number;
  seconds: number;
}

/**
 * Runs policies on disjoint user buckets over the same simulated days (docs/simulate.md,
 * "A/B runner"): after the warm-up, each replicate deals the users into one
 * bucket per policy at random, simulates `days` days and aggregates per bucket;
 * estimates are means over replicates with 95% intervals, and each later policy
 * is compared with the first by per-replicate lift.
 */
export async function runAbTest(environment: Environment, options: AbTestOptions): Promise<AbTestReport> {
  const started = performance.now();
  const { world, params, reference } = environment;
  const logger = options.logger ?? silentLogger;
  const progress = options.progress ?? silentProgress;
  const seed = options.seed ?? 42;
  if (options.policies.length === 0) throw new RangeError('runAbTest needs at least one policy');
  if (!(options.days >= 1) || !(options.seeds >= 1))
    throw new RangeError('runAbTest needs days >= 1 and seeds >= 1');
  const population = world.population.size;
  const users = Math.min(options.users, population);
  if (users < options.policies.length)
    throw new RangeError(`${users} users cannot fill ${options.policies.length} buckets`);
  const participants = new Random(seed)
    .shuffle([...Array(population).keys()])
    .slice(0, users)
    .sort((a, b) => a - b);

  // Warm-up: random exposure for every participant; its long views are the training log.
  const warmupDays = options.warmupDays ?? (world.mode === 'playground' ? 3 : 0);
  const start = new SimulationState(world, reference);
  const sequences: number[][] = Array.from({ length: population }, (_, user) => [
    ...(world.population.initialHistory?.[user] ?? []),
  ]);
  let impressions = 0;
  const warmupLog = new ImpressionLogSink(world);
  if (warmupDays > 0) {
    const everyone = new Int32Array(population).fill(-1);
    for (const user of participants) everyone[user] = 0;
    const warmup = await randomPolicy.create(
      policyContext(environment, emptyTraining(environment), seed, -1, logger),
    );
    logger.info(`warm-up: ${warmupDays} day(s) of random exposure for ${users} users`);
    impressions += simulateDays(world, params, reference, start, {
      days: warmupDays,
      assignment: everyone,
      policies: [warmup],
      sink: {
        impression: (impression: Impression) => {
          if (impression.outcome.longView) sequences[impression.user]!.push(impression.item);
          warmupLog.impression(impression);
        },
      },
      seed: seed * 31 + 7,
      progress,
    });
  }
  const training: TrainingData = {
    numUsers: population,
    numItems: world.catalogue.size,
    sequences: sequences.map((sequence) => Int32Array.from(sequence)),
  };
  const { log: warmupImpressions } = warmupLog.build();
  const policies: Policy[] = [];
  for (const [index, factory] of options.policies.entries()) {
    logger.info(`fitting policy ${factory.name}`);
    const context = {
      ...policyContext(environment, training, seed, index, logger),
      ...(options.rewardFusion && { rewardFusion: options.rewardFusion }),
    };
    policies.push(
      await factory.create(
        warmupImpressions.size > 0 ? { ...context, impressions: warmupImpressions } : context,
      ),
    );
  }

  const figures: BucketFigures[][] = options.policies.map(() => []);
  for (let replicate = 0; replicate < options.seeds; replicate++) {
    const order = new Random(seed + 1 + replicate).shuffle(participants.slice());
    const assignment = new Int32Array(population).fill(-1);
    order.forEach((user, k) => {
      assignment[user] = k % policies.length;
    });
    const state = start.clone(world, reference);
    const metrics = new BucketMetrics(assignment, policies.length, state.day, options.days);
    const log = replicate === 0 ? options.log : undefined;
    const sink: SimulationSink = log
      ? {
          impression: (impression) => {
            metrics.impression(impression);
            log.impression(impression);
          },
          userDay: (user, day, active) => metrics.userDay(user, day, active),
        }
      : metrics;
    logger.info(
      `replicate ${replicate + 1}/${options.seeds}: ${options.days} day(s), ${users} users in ${policies.length} bucket(s)`,
    );
    impressions += simulateDays(world, params, reference, state, {
      days: options.days,
      assignment,
      policies,
      sink,
      seed: seed * 1000 + 101 * replicate + 1,
      progress,
    });
    options.policies.forEach((_, bucket) => {
      figures[bucket]!.push(metrics.figures(bucket, state));
    });
    options.onReplicateEnd?.(replicate, state);
  }

  const reports = options.policies.map((factory, bucket) => policyReport(factory.name, figures[bucket]!));
  const comparisons = options.policies
    .slice(1)
    .map((factory, k) => compare(factory.name, options.policies[0]!.name, figures[k + 1]!, figures[0]!));
  return {
    policies: reports,
    comparisons,
    days: options.days,
    users,
    seeds: options.seeds,
    warmupDays,
    impressions,
    seconds: (performance.now() - started) / 1000,
  };
}

function policyReport(name: string, replicates: readonly BucketFigures[]): PolicyReport {
  const of = (pick: (figures: BucketFigures) => number) => estimate(replicates.map(pick));
  const signals = {} as Record<BinarySignal, Estimate>;
  for (const signal of binarySignals) signals[signal] = of((figures) => figures.signals[signal]);
  return {
    name,
    users: of((figures) => figures.users).mean,
    stayTimePerUserDay: of((figures) => figures.stayTimePerUserDay),
    stayTimePerActiveUserDay: of((figures) => figures.stayTimePerActiveUserDay),
    dau: of((figures) => figures.dau),
    retention: of((figures) => figures.retention),
    impressionsPerUserDay: of((figures) => figures.impressionsPerUserDay),
    satisfactionPerImpression: of((figures) => figures.satisfactionPerImpression),
    satisfactionPerUserDay: of((figures) => figures.satisfactionPerUserDay),
    satisfactionStock: of((figures) => figures.satisfactionStock),
    churned: of((figures) => figures.churned),
    signals,
  };
}

function compare(
  a: string,
  b: string,
  treated: readonly BucketFigures[],
  control: readonly BucketFigures[],
): Comparison {
  const lift = (pick: (figures: BucketFigures) => number) =>
    estimate(treated.map((figures, k) => (100 * (pick(figures) - pick(control[k]!))) / pick(control[k]!)));
  return {
    a,
    b,
    stayTimeLiftPct: lift((figures) => figures.stayTimePerUserDay),
    retentionLiftPct: lift((figures) => figures.retention),
    dauLiftPct: lift((figures) => figures.dau),
    satisfactionLiftPct: lift((figures) => figures.satisfactionPerUserDay),
  };
}

function emptyTraining(environment: Environment): TrainingData {
  return {
    numUsers: environment.world.population.size,
    numItems: environment.world.catalogue.size,
    sequences: [],
  };
}

function policyContext(
  environment: Environment,
  training: TrainingData,
  seed: number,
  index: number,
  logger: Logger,
) {
  return {
    world: environment.world,
    training,
    random: policyRandom(seed, index + 1),
    logger,
    progress: silentProgress,
  };
}
