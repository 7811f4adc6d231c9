import { type Logger, type Progress, Random, silentLogger, silentProgress } from '../core/index.js';
import type { TrainingData } from '../eval/index.js';
import {
  batchOfCandidates,
  batchOfLog,
  binaryHeads,
  type CandidateBatch,
  type FusionArchitecture,
  type ImpressionLog,
  type RankingQuality,
  type RewardEpoch,
  rankingQuality,
  type SignalQuality,
  signalQuality,
  splitLastDay,
  trainReward,
} from '../reward/index.js';
import type { Environment } from './environment.js';
import { ImpressionLogSink } from './impression-log-sink.js';
import { randomPolicy } from './policies.js';
import { RecallCandidates } from './recall-candidates.js';
import { itemSideOfWorld, rewardPolicyDesign } from './reward-policies.js';
import { SeenItems } from './seen-items.js';
import { SimulationState } from './simulation-state.js';
import { simulateDays } from './simulator.js';
import { expectedSatisfaction, type World } from './world.js';

export interface RewardReportOptions {
  /** Days of random exposure logged; the last is held out. Default 4. */
  days?: number;
  /** Users simulated (the first of the population). Default all. */
  users?: number;
  epochs?: number;
  /** Held-out requests whose recall candidates are ranked against expected satisfaction. Default 500. */
  candidateRequests?: number;
  /** The fusion over the heads (docs/reward.md). Default `mlp`. */
  architecture?: FusionArchitecture;
  seed?: number;
  logger?: Logger;
  progress?: Progress;
}

export interface RewardReport {
  trainImpressions: number;
  testImpressions: number;
  epochs: RewardEpoch[];
  objectives: string[];
  signals: SignalQuality[];
  /** NDCG within the logged pages of the held-out day, gains = realised hidden satisfaction. */
  loggedPages: RankingQuality;
  /** NDCG over recall candidates (item-kNN + popularity) of held-out requests, gains = expected satisfaction. */
  candidateSets: RankingQuality & { candidatesPerRequest: number };
}

/**
 * The reward model's offline report on simulated logs (docs/reward.md): random
 * exposure for `days` days, train on all but the last, then per-signal
 * AUC/GAUC on the last day and NDCG of the fused score and of the fixed
 * formula against the simulator's hidden satisfaction.
 */
export async function rewardReport(
  environment: Environment,
  options: RewardReportOptions = {},
): Promise<RewardReport> {
  const { world, params, reference } = environment;
  const seed = options.seed ?? 42;
  const logger = options.logger ?? silentLogger;
  const progress = options.progress ?? silentProgress;
  const population = world.population.size;
  const users = Math.min(options.users ?? population, population);
  const assignment = new Int32Array(population).fill(-1).fill(0, 0, users);
  const policy = await randomPolicy.create({
    world,
    training: { numUsers: population, numItems: world.catalogue.size, sequences: [] },
    random: new Random(seed + 5),
    logger,
    progress,
  });
  const sink = new ImpressionLogSink(world);
  simulateDays(world, params, reference, new SimulationState(world, reference), {
    days: options.days ?? 4,
    assignment,
    policies: [policy],
    sink,
    seed: seed * 13 + 1,
    progress,
  });
  const { log, satisfaction } = sink.build();
  const { train, test } = splitLastDay(log);
  const testSatisfaction = satisfaction.subarray(log.size - test.size);
  const side = itemSideOfWorld(world);
  const trained = trainReward(train, side, {
    epochs: options.epochs ?? rewardPolicyDesign.epochs,
    tieBreak: rewardPolicyDesign.tieBreak,
    ...(options.architecture !== undefined && { architecture: options.architecture }),
    seed,
    logger,
    progress,
  });
  const testBatch = batchOfLog(test, trained.model.config.historyLength);
  const candidates = candidateSets(world, train, testBatch, options.candidateRequests ?? 500, seed);
  return {
    trainImpressions: train.size,
    testImpressions: test.size,
    epochs: trained.epochs,
    objectives: trained.objectives,
    signals: signalQuality(trained.model, test, testBatch, side),
    loggedPages: rankingQuality(trained.model, testBatch, side, testSatisfaction),
    candidateSets: {
      ...rankingQuality(trained.model, candidates.batch, side, candidates.gains),
      candidatesPerRequest: candidates.batch.size / Math.max(1, candidates.batch.requestOffsets.length - 1),
    },
  };
}

/**
 * Recall candidates (fit on the training log's long views) for a sample of
 * held-out requests: the user's history at the request, nothing excluded, and
 * each candidate's expected satisfaction as its gain.
 */
function candidateSets(
  world: World,
  train: ImpressionLog,
  test: CandidateBatch,
  requests: number,
  seed: number,
): { batch: CandidateBatch; gains: Float32Array } {
  const sequences: number[][] = Array.from({ length: train.numUsers }, () => []);
  for (let k = 0; k < train.size; k++) {
    if (train.signals[k * binaryHeads.length + 1] === 1) sequences[train.user[k]!]!.push(train.item[k]!);
  }
  const training: TrainingData = {
    numUsers: train.numUsers,
    numItems: train.numItems,
    sequences: sequences.map((sequence) => Int32Array.from(sequence)),
  };
  const recall = new RecallCandidates(training, rewardPolicyDesign.perSource);
  const total = test.requestOffsets.length - 1;
  const chosen = new Random(seed + 77).shuffle([...Array(total).keys()]).slice(0, requests);
  const K = test.historyLength;
  const gains: number[] = [];
  const parts: CandidateBatch[] = [];
  for (const r of chosen) {
    const row = test.requestOffsets[r]!;
    const history: number[] = [];
    for (let k = 0; k < K; k++)
      if (test.historyMask[row * K + k] === 1) history.push(test.history[row * K + k]!);
    const user = test.user[row]!;
    const candidates = recall.of({
      user,
      day: 0,
      hour: test.hour[row]!,
      history: Int32Array.from(history),
      seen: new SeenItems(world.catalogue.size),
      size: 10,
    });
    const part = batchOfCandidates(candidates.slice(), { user, history, hour: test.hour[row]! }, K);
    parts.push(part);
    for (const item of candidates) gains.push(expectedSatisfaction(world, user, item));
  }
  return { batch: joinBatches(parts), gains: Float32Array.from(gains) };
}

function joinBatches(parts: readonly CandidateBatch[]): CandidateBatch {
  const K = parts[0]?.historyLength ?? 0;
  const size = parts.reduce((sum, part) => sum + part.size, 0);
  const batch: CandidateBatch = {
    size,
    historyLength: K,
    user: new Int32Array(size),
    item: new Int32Array(size),
    hour: new Int32Array(size),
    position: new Int32Array(size),
    history: new Int32Array(size * K),
    historyMask: new Float32Array(size * K),
    requestOffsets: new Int32Array(parts.length + 1),
  };
  let at = 0;
  parts.forEach((part, r) => {
    batch.user.set(part.user, at);
    batch.item.set(part.item, at);
    batch.hour.set(part.hour, at);
    batch.history.set(part.history, at * K);
    batch.historyMask.set(part.historyMask, at * K);
    at += part.size;
    batch.requestOffsets[r + 1] = at;
  });
  return batch;
}
