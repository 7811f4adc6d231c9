import { itemKnnSpec, markovSpec, popularitySpec } from '../baselines/index.js';
import { InvalidInputError, Random } from '../core/index.js';
import type { Params, RecommenderSpec } from '../eval/index.js';
import { topK } from '../eval/index.js';
import { generativeAlignedPolicy, generativeEcpoPolicy, generativePolicy } from './generative-policies.js';
import {
  type FeedRequest,
  fillRandom,
  type Policy,
  type PolicyContext,
  type PolicyFactory,
} from './policy.js';
import { fixedFormulaPolicy, learnedRewardPolicy, learnedSessionReward } from './reward-policies.js';
import { topItems } from './top-items.js';
import { tunedFormulaPolicy } from './tuned-formula.js';
import { taste } from './world.js';

/** Uniformly random unseen items: the floor every policy should beat. */
export const randomPolicy: PolicyFactory = {
  name: 'random',
  description: 'uniformly random unseen items',
  create: ({ world, random }) => ({
    name: 'random',
    rank: (request, out) => fillRandom(request, out, 0, random, world.catalogue.size),
  }),
};

/**
 * The platform's own recommender as the calibration assumes it: scores 50
 * random unseen candidates by the user's true taste plus noise (sd 1) and shows
 * the best. It reads the hidden taste, so it is a reference, never a contender.
 */
export const loggingPolicy: PolicyFactory = {
  name: 'logging',
  description:
    'reference only: ranks 50 random candidates by hidden taste + noise (the calibration exposure)',
  create: ({ world, random }) => {
    const candidates = new Int32Array(50);
    const scores = new Float32Array(50);
    const order = new Int32Array(50);
    return {
      name: 'logging',
      rank(request: FeedRequest, out: Int32Array) {
        const pool = { ...request, size: candidates.length };
        fillRandom(pool, candidates, 0, random, world.catalogue.size);
        for (let c = 0; c < candidates.length; c++) {
          scores[c] = taste(world, request.user, candidates[c]!) + random.normal();
        }
        topK(scores, request.size, order);
        for (let k = 0; k < request.size; k++) out[k] = candidates[order[k]!]!;
      },
    };
  },
};

/**
 * Any offline recommender of the eval interface as a policy: fit on the
 * context's training data, score the whole catalogue, mask seen items, take the
 * top; or, for models with their own `recommend` (beam search), ask it directly.
 */
export function recommenderPolicy(spec: RecommenderSpec<Params>, params: Params = {}): PolicyFactory {
  return {
    name: spec.name,
    description: spec.description,
    async create(context: PolicyContext): Promise<Policy> {
      const model = spec.create({ ...spec.defaults, ...params });
      await model.fit(context.training, {
        random: context.random.fork(),
        logger: context.logger,
        progress: context.progress,
      });
      const numItems = context.world.catalogue.size;
      const scores = new Float32Array(numItems);
      const top = new Int32Array(64);
      const best = new Float64Array(64);
      const random = context.random.fork();
      return {
        name: spec.name,
        rank(request, out) {
          if (model.recommend) {
            // Generating models (beam search) produce their own list, excluding what the user saw.
            const { items } = model.recommend(
              request.user,
              request.history,
              request.size,
              request.seen.items(),
            );
            const found = Math.min(items.length, request.size);
            for (let k = 0; k < found; k++) out[k] = items[k]!;
            if (found < request.size) fillRandom(request, out, found, random, numItems);
            return;
          }
          scores.fill(0);
          model.score(request.user, request.history, scores);
          const seen = request.seen.items();
          for (let k = 0; k < seen.length; k++) scores[seen[k]!] = Number.NEGATIVE_INFINITY;
          const found = topItems(scores, request.size, top, best);
          for (let k = 0; k < found; k++) out[k] = top[k]!;
          if (found < request.size) fillRandom(request, out, found, random, numItems);
        },
      };
    },
  };
}

const registry = new Map<string, PolicyFactory>();

/** Adds a policy under its name (later issues: cascade, fixed-formula, learned-reward, generative, ...). */
export function registerPolicy(factory: PolicyFactory): void {
  if (registry.has(factory.name)) throw new RangeError(`policy "${factory.name}" is already registered`);
  registry.set(factory.name, factory);
}

export function policyNames(): string[] {
  return [...registry.keys()];
}

export function findPolicy(name: string): PolicyFactory {
  const factory = registry.get(name);
  if (!factory) {
    throw new InvalidInputError(`Unknown policy "${name}"; available: ${policyNames().join(', ')}`);
  }
  return factory;
}

registerPolicy(randomPolicy);
registerPolicy(recommenderPolicy(popularitySpec));
registerPolicy(recommenderPolicy(itemKnnSpec));
registerPolicy(recommenderPolicy(markovSpec));
registerPolicy(loggingPolicy);
registerPolicy(generativePolicy());
// OneRec IPA: the generator aligned on the learned reward (trained on the warm-up impressions);
// the long-view stand-in it replaced stays available for comparison.
registerPolicy(
  generativeAlignedPolicy(learnedSessionReward, undefined, undefined, {
    name: 'generative-aligned',
    reward: 'reward: the learned EMER-style satisfaction model of src/reward',
  }),
);
registerPolicy(generativeAlignedPolicy());
registerPolicy(fixedFormulaPolicy);
registerPolicy(learnedRewardPolicy);
registerPolicy(tunedFormulaPolicy);
// OneRec's ECPO (early-clipped GRPO) on the same learned reward, with a format reward.
registerPolicy(generativeEcpoPolicy(learnedSessionReward));

/** Seeded Random for a policy of a run, independent of the simulation's own stream. */
export function policyRandom(seed: number, index: number): Random {
  return new Random(seed * 7919 + index * 104729 + 17);
}
