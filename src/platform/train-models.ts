import { readFileSync } from 'node:fs';
import { buildCascade, saveCascade } from '../cascade/index.js';
import {
  InvalidInputError,
  type Logger,
  type Progress,
  Random,
  silentLogger,
  silentProgress,
} from '../core/index.js';
import { type EvalPhase, parseParams, type Recommender, recallAtK } from '../eval/index.js';
import {
  type GenerativeParams,
  type GenerativeParamsInput,
  GenerativeRecommender,
  generativeSpec,
  saveModelDirectory,
} from '../generative/index.js';
import { type RewardModel, trainReward } from '../reward/index.js';
import { catalogueItems, impressionLogOf, itemSideOfLog, type TrainingLog } from './training-log.js';

/**
 * The demo's small generative preset, config/generative-demo.json (whose
 * description says why these values), completed with the spec's defaults.
 */
export const demoGenerativeParams: GenerativeParams = readDemoPreset();

function readDemoPreset(): GenerativeParams {
  // Two levels up from src/platform (tests) and dist/platform (installed) alike.
  const file = new URL('../../config/generative-demo.json', import.meta.url);
  const preset = JSON.parse(readFileSync(file, 'utf8')) as { params?: Record<string, unknown> };
  return parseParams(generativeSpec, preset.params ?? {}, {
    source: 'config generative-demo.json',
    path: 'params',
  });
}

export interface TrainContext {
  seed: number;
  /** Where the generative model chooses its ID model's weight (`HeldOut.validation`); its epochs stay the params'. */
  validation?: EvalPhase;
  logger?: Logger;
  progress?: Progress;
  /** Written into the model directory's manifest. */
  genfeedVersion?: string;
}

export interface HeldOut {
  /** Per user of the log, the history without its last play. */
  fit: Int32Array[];
  /** Users evaluated (index into the log's users) and their held-out last play. */
  users: number[];
  targets: number[];
  /**
   * The other users whose last play was held out, as a validation phase (target:
   * that play; history and exclusions: the rest), disjoint from `users`: what a
   * model may choose its head weight on without seeing the tail it is
   * reported on.
   */
  validation: EvalPhase;
}

/**
 * The held-out tail: each user's last valid play (users with at least `minPlays`),
 * the rest their history. At most `maxUsers` users are evaluated (a seeded sample).
 */
export function holdOutTail(
  log: TrainingLog,
  options: { maxUsers?: number; seed?: number; minPlays?: number } = {},
): HeldOut {
  const minPlays = options.minPlays ?? 3;
  const fit: Int32Array[] = [];
  const candidates: number[] = [];
  log.sequences.forEach((sequence, user) => {
    if (sequence.length >= minPlays) {
      fit.push(sequence.subarray(0, sequence.length - 1));
      candidates.push(user);
    } else fit.push(sequence);
  });
  const random = new Random(options.seed ?? 7);
  const users = random
    .shuffle(candidates)
    .slice(0, options.maxUsers ?? 500)
    .sort((a, b) => a - b);
  const evaluated = new Set(users);
  const none = new Int32Array(0);
  const validationTargets = log.sequences.map((sequence, user) =>
    fit[user]!.length < sequence.length && !evaluated.has(user) ? sequence.subarray(-1) : none,
  );
  return {
    fit,
    users,
    targets: users.map((user) => log.sequences[user]!.at(-1)!),
    validation: { name: 'validation', fit, history: fit, exclude: fit, targets: validationTargets },
  };
}

/** Recall@k of a model on the held-out tail: the share of users whose last play is in the top k. */
export function heldOutRecall(model: Recommender, heldOut: HeldOut, numItems: number, k = 10): number {
  if (heldOut.users.length === 0) return 0;
  let sum = 0;
  const scores = new Float32Array(numItems);
  heldOut.users.forEach((user, i) => {
    const history = heldOut.fit[user]!;
    let ranked: ArrayLike<number>;
    if (model.recommend) ranked = model.recommend(user, history, k, history).items;
    else {
      model.score(user, history, scores);
      for (const item of history) scores[item] = Number.NEGATIVE_INFINITY;
      ranked = Array.from(scores.keys())
        .sort((a, b) => scores[b]! - scores[a]!)
        .slice(0, k);
    }
    sum += recallAtK(ranked, new Set([heldOut.targets[i]!]), k);
  });
  return sum / heldOut.users.length;
}

/**
 * Each long history cut into training windows of at most `window` plays, the
 * last one ending at the newest play, consecutive ones `stride` plays apart
 * (so a window's first `window - stride` plays are context the previous window
 * already predicted), at most `maxWindows` per history (the newest ones).
 * The sequence models train on the last `maxItems + 1` items of each sequence
 * only, so without this a user's older plays (over half of the demo's log)
 * never reach the model.
 */
export function trainingWindows(
  sequences: readonly Int32Array[],
  window: number,
  stride = window,
  maxWindows = Number.POSITIVE_INFINITY,
): Int32Array[] {
  if (!Number.isInteger(window) || window < 2)
    throw new InvalidInputError(`trainingWindows: window must be an integer >= 2, got ${window}`);
  if (!Number.isInteger(stride) || stride < 1 || stride > window)
    throw new InvalidInputError(
      `trainingWindows: stride must be an integer in [1, ${window}], got ${stride}`,
    );
  const out: Int32Array[] = [];
  for (const sequence of sequences) {
    if (sequence.length <= window) {
      out.push(sequence);
      continue;
    }
    for (let end = sequence.length, count = 0; count < maxWindows; end -= stride, count++) {
      const start = Math.max(0, end - window);
      out.push(sequence.subarray(start, end));
      if (start === 0) break;
    }
  }
  return out;
}

export interface TrainedGenerative {
  model: GenerativeRecommender;
  seconds: number;
}

/**
 * Fits the generative model (tokenizer, decoder and its ID model, if the params
 * name one) on the given sequences for the params' epochs; with a validation
 * phase in the context, then chooses the ID model's weight on it.
 */
export async function fitGenerative(
  sequences: readonly Int32Array[],
  numItems: number,
  params: GenerativeParamsInput,
  context: TrainContext,
): Promise<TrainedGenerative> {
  const model = new GenerativeRecommender(params);
  const started = performance.now();
  const random = new Random(context.seed);
  const logger = context.logger ?? silentLogger;
  await model.fit(
    { numUsers: sequences.length, numItems, sequences },
    { random, logger, progress: context.progress ?? silentProgress },
  );
  if (context.validation !== undefined) model.chooseHeadMix(context.validation, numItems, { random, logger });
  return { model, seconds: (performance.now() - started) / 1000 };
}

/** Writes a fitted generative model as a model directory (manifest with sha256 of every file). */
export async function saveGenerative(
  dir: string,
  trained: TrainedGenerative,
  log: TrainingLog,
  context: TrainContext,
): Promise<void> {
  const itemIds = log.items.map((item) => item.id);
  await saveModelDirectory(dir, trained.model, {
    model: 'generative',
    params: trained.model.params,
    dataset: {
      name: 'store-events',
      fingerprint: `${log.items.length}:${log.events.length}:${log.lastTime}`,
      users: log.userIds.length,
      interactions: log.sequences.reduce((sum, sequence) => sum + sequence.length, 0),
    },
    fitOn: 'all',
    itemIds,
    seed: context.seed,
    trainSeconds: trained.seconds,
    genfeedVersion: context.genfeedVersion ?? '0.0.0',
  });
}

/** The reward model (multi-task heads + learned fusion) on the logged impressions. */
export function fitReward(log: TrainingLog, context: TrainContext & { epochs?: number }): RewardModel {
  return trainReward(impressionLogOf(log), itemSideOfLog(log), {
    epochs: context.epochs ?? 2,
    tieBreak: 'play-time',
    seed: context.seed,
    logger: context.logger ?? silentLogger,
    progress: context.progress ?? silentProgress,
  }).model;
}

/** Fits the cascade (item-kNN, ANN, popular, fresh recall; pre-rank; the reward rank) and writes its directory. */
export async function fitAndSaveCascade(
  dir: string,
  log: TrainingLog,
  reward: RewardModel | undefined,
): Promise<{ seconds: number }> {
  const started = performance.now();
  const interactions = log.userIds.map(
    (id, user) => [id, Array.from(log.sequences[user]!, (item) => log.items[item]!.id)] as const,
  );
  const cascade = buildCascade({
    items: catalogueItems(log),
    interactions,
    ...(reward === undefined ? {} : { reward }),
  });
  await saveCascade(cascade, dir);
  return { seconds: (performance.now() - started) / 1000 };
}
