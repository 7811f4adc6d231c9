import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random } from '../core/index.js';
import type { Params, TrainingData } from '../eval/index.js';
import {
  type AlignmentOptions,
  alignEcpo,
  alignGenerative,
  type EcpoOptions,
  GenerativeRecommender,
  type SessionReward,
} from '../generative/index.js';
import { fillRandom, type Policy, type PolicyContext, type PolicyFactory } from './policy.js';

/**
 * The generative recommender of the simulator's A/B (docs/simulate.md,
 * "Aligned vs unaligned generator"): small enough to fit on a warm-up log in
 * about a minute. Codebooks of 32 over the playground's 5,000 videos.
 */
export const simulatorGenerativeParams: Params = {
  dim: 64,
  heads: 2,
  layers: 2,
  dropout: 0.2,
  epochs: 10,
  decayEpochs: 0,
  lr: 3e-3,
  batchSize: 64,
  codebookSize: 32,
  beamWidth: 20,
};

/** Settings of `alignGenerative` for the `generative-aligned` policy, and how many training users it samples. */
export type SimulatorAlignment = Omit<AlignmentOptions, 'random' | 'progress'> & { users: number };

export const simulatorAlignment: SimulatorAlignment = {
  users: 600,
  candidates: 16,
  sessionLength: 5,
  beta: 0.1,
  lr: 1e-4,
  epochs: 2,
  batchSize: 16,
  /** The model's own next-token loss on the histories keeps it from drifting (lr 3e-4 without it lost satisfaction: docs/simulate.md). */
  nextTokenWeight: 1,
};

/** How the aligned policy scores a session, built from what a policy may learn from. */
export type RewardFactory = (context: PolicyContext) => SessionReward | Promise<SessionReward>;

/**
 * The stand-in reward until the learned reward model (src/reward) is wired in:
 * the mean over the session's videos of log(1 + the video's long views in the
 * training log). It sees only logged signals (which videos got long views),
 * never the hidden satisfaction; under the random warm-up exposure every video
 * was shown about equally often, so the count tracks each video's long-view rate.
 */
export const loggedLongViewReward: RewardFactory = ({ training }) => {
  const counts = new Float64Array(training.numItems);
  for (const sequence of training.sequences) for (const item of sequence) counts[item]!++;
  return (_user, _history, session) =>
    session.reduce((sum, item) => sum + Math.log1p(counts[item]!), 0) / Math.max(1, session.length);
};

/**
 * The duration-aware stand-in (OneRec-V2 ranks watch time within duration
 * buckets): a video's log(1 + long views) minus the mean of its duration
 * decile's, averaged over the session. Short videos earn long views by
 * finishing (KuaiRand's definition), so raw counts favour them; within a
 * decile the count compares videos that had the same chance. Durations are
 * public metadata; the counts are the only logged signal used.
 */
export const durationAwareLongViewReward: RewardFactory = ({ training, world }) => {
  const size = training.numItems;
  const logCounts = new Float64Array(size);
  for (const sequence of training.sequences) for (const item of sequence) logCounts[item]!++;
  for (let item = 0; item < size; item++) logCounts[item] = Math.log1p(logCounts[item]!);
  const order = Array.from({ length: size }, (_, item) => item).sort(
    (a, b) => world.catalogue.durationMs[a]! - world.catalogue.durationMs[b]!,
  );
  const relative = new Float64Array(size);
  const deciles = 10;
  for (let decile = 0; decile < deciles; decile++) {
    const members = order.slice(
      Math.floor((decile * size) / deciles),
      Math.floor(((decile + 1) * size) / deciles),
    );
    const mean = members.reduce((sum, item) => sum + logCounts[item]!, 0) / Math.max(1, members.length);
    for (const item of members) relative[item] = logCounts[item]! - mean;
  }
  return (_user, _history, session) =>
    session.reduce((sum, item) => sum + relative[item]!, 0) / Math.max(1, session.length);
};

/** One base fit per training log, shared by both policies so the A/B compares alignment alone. */
const baseFits = new WeakMap<TrainingData, Promise<GenerativeRecommender>>();

function baseModel(context: PolicyContext, params: Params): Promise<GenerativeRecommender> {
  let fit = baseFits.get(context.training);
  if (fit === undefined) {
    fit = (async () => {
      const model = new GenerativeRecommender(params);
      await model.fit(context.training, {
        random: new Random(2718),
        logger: context.logger,
        progress: context.progress,
      });
      return model;
    })();
    baseFits.set(context.training, fit);
  }
  return fit;
}

/** A second recommender with the same weights and tokenizer (through its safetensors files). */
async function copyOf(model: GenerativeRecommender): Promise<GenerativeRecommender> {
  const folder = mkdtempSync(join(tmpdir(), 'genfeed-generative-copy-'));
  try {
    await model.save(join(folder, 'model.safetensors'));
    return await GenerativeRecommender.load(join(folder, 'model.safetensors'));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Serves pages by trie-constrained beam search, excluding what the user was shown. */
function servingPolicy(name: string, model: GenerativeRecommender, context: PolicyContext): Policy {
  const random = context.random.fork();
  const numItems = context.world.catalogue.size;
  return {
    name,
    rank(request, out) {
      const { items } = model.recommend(request.user, request.history, request.size, request.seen.items());
      const found = Math.min(items.length, request.size);
      for (let k = 0; k < found; k++) out[k] = items[k]!;
      if (found < request.size) fillRandom(request, out, found, random, numItems);
    },
  };
}

export function generativePolicy(params: Params = simulatorGenerativeParams): PolicyFactory {
  return {
    name: 'generative',
    description: 'generative recommender (semantic IDs, lazy decoder, beam search) fit on the training log',
    create: async (context) => servingPolicy('generative', await baseModel(context, params), context),
  };
}

/** The name an aligned policy registers under and the reward its description names. */
export interface AlignedPolicyLabel {
  name: string;
  reward: string;
}

export const longViewLabel: AlignedPolicyLabel = {
  name: 'generative-aligned-longview',
  reward: 'stand-in reward: logged long views per video within its duration decile',
};

/**
 * The generative policy's model aligned by DPO (OneRec IPA) on `reward`:
 * candidate sessions beam-searched for a sample of the training users, best
 * vs worst by the reward, against the frozen base model.
 */
export function generativeAlignedPolicy(
  reward: RewardFactory = durationAwareLongViewReward,
  params: Params = simulatorGenerativeParams,
  alignment: SimulatorAlignment = simulatorAlignment,
  label: AlignedPolicyLabel = longViewLabel,
): PolicyFactory {
  const { name } = label;
  return {
    name,
    description: `the generative policy's model aligned by DPO on best vs worst of ${alignment.candidates ?? 32} beam-searched sessions (${label.reward})`,
    async create(context) {
      const model = await copyOf(await baseModel(context, params));
      const random = new Random(31415);
      const users = alignmentUsers(context, alignment.users, random);
      const result = await alignGenerative(model, users, await reward(context), {
        ...alignment,
        random,
        progress: context.progress,
      });
      const last = result.history.at(-1);
      context.logger.info(
        `${name}: ${result.pairs} pairs (reward chosen ${result.chosenReward.toFixed(3)}, rejected ${result.rejectedReward.toFixed(3)}, all ${result.candidateReward.toFixed(3)}); DPO loss ${last?.loss.toFixed(4)}, accuracy ${last?.accuracy.toFixed(3)}; ${result.seconds.toFixed(0)} s`,
      );
      return servingPolicy(name, model, context);
    },
  };
}

/** Settings of `alignEcpo` for the `generative-ecpo` policy, and how many training users it samples. */
export type SimulatorEcpo = Omit<EcpoOptions, 'random' | 'progress'> & { users: number };

export const simulatorEcpo: SimulatorEcpo = {
  users: 600,
  groupSize: 8,
  unconstrained: 2,
  temperature: 1,
  sessionLength: 5,
  formatReward: -1,
  klWeight: 0.05,
  lr: 1e-4,
  epochs: 2,
  usersPerStep: 4,
  nextTokenWeight: 1,
};

/**
 * The generative policy's model aligned by ECPO (OneRec technical report's
 * early-clipped GRPO) on the learned reward: groups of sessions sampled from
 * the policy for a sample of the training users, group-normalised advantages,
 * KL to the frozen base model, and a format reward on unconstrained samples.
 * The learned reward's fused score is a logit; the policy uses its sigmoid, in
 * (0, 1), so the format reward (-1) sits below every well-formed session.
 */
export function generativeEcpoPolicy(
  reward: RewardFactory,
  params: Params = simulatorGenerativeParams,
  settings: SimulatorEcpo = simulatorEcpo,
): PolicyFactory {
  const name = 'generative-ecpo';
  return {
    name,
    description: `the generative policy's model aligned by ECPO (groups of ${settings.groupSize ?? 8} sampled sessions + ${settings.unconstrained ?? 2} unconstrained, format reward; reward: sigmoid of the learned reward model's fused score)`,
    async create(context) {
      const model = await copyOf(await baseModel(context, params));
      const random = new Random(31415);
      const users = alignmentUsers(context, settings.users, random);
      const logit = await reward(context);
      const result = await alignEcpo(
        model,
        users,
        (user, history, session) => 1 / (1 + Math.exp(-logit(user, history, session))),
        { ...settings, random, progress: context.progress },
      );
      context.logger.info(
        `${name}: ${result.groups} groups (${result.skipped} skipped); sampled reward ${result.firstReward.toFixed(3)} -> ${result.lastReward.toFixed(3)} (first -> last quarter of steps); unconstrained samples malformed ${(100 * result.malformed).toFixed(1)}%; ${result.seconds.toFixed(0)} s`,
      );
      return servingPolicy(name, model, context);
    },
  };
}

/** `count` training users with a history, in a seeded random order: who an alignment trains on. */
function alignmentUsers(
  context: Parameters<PolicyFactory['create']>[0],
  count: number,
  random: Random,
): Array<{ user: number; history: Int32Array }> {
  const { sequences } = context.training;
  return random
    .shuffle(Array.from(sequences.keys()))
    .filter((user) => sequences[user]!.length > 0)
    .slice(0, count)
    .map((user) => ({ user, history: sequences[user]! }));
}
