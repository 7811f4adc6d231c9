import { InvalidInputError } from '../core/index.js';
import {
  batchOfCandidates,
  type FusionArchitecture,
  formulaScores,
  headNames,
  type ImpressionLog,
  type ItemSide,
  type RewardModel,
  type RewardScores,
  scoreCandidates,
  type TieBreak,
  trainReward,
} from '../reward/index.js';
import type { RewardFactory } from './generative-policies.js';
import { fillRandom, type Policy, type PolicyContext, type PolicyFactory } from './policy.js';
import { RecallCandidates } from './recall-candidates.js';
import { topItems } from './top-items.js';
import type { World } from './world.js';

/** The reward model's view of the simulated catalogue: authors, categories, durations. */
export function itemSideOfWorld(world: World): ItemSide {
  const { catalogue } = world;
  return {
    numItems: catalogue.size,
    numAuthors: catalogue.authorIds.length,
    numCategories: catalogue.categoryNames.length,
    author: catalogue.author,
    category: catalogue.category,
    durationMs: Float32Array.from(catalogue.durationMs),
  };
}

export const rewardPolicyDesign = {
  /** Training epochs over the warm-up log. */
  epochs: 3,
  /** Candidates per recall source (item-kNN, popularity). */
  perSource: 50,
  /** Ties within a feedback level (docs/reward.md): duration-aware watch percentile, or raw play time. */
  tieBreak: 'play-time' as TieBreak,
  /**
   * The fusion the reward policies and the aligned generators use unless the
   * context names one (`genfeed simulate --reward-fusion`): since issue 19 the
   * EMER-style transformer over each request's candidates; `mlp` reruns the
   * earlier per-candidate fusion.
   */
  architecture: 'set-transformer' as FusionArchitecture,
};

// One model per training log and fusion: the formula and learned policies rank with the same heads.
const models = new WeakMap<ImpressionLog, Map<FusionArchitecture, RewardModel>>();

function rewardModelOf(context: PolicyContext): RewardModel {
  const architecture = context.rewardFusion ?? rewardPolicyDesign.architecture;
  const log = context.impressions;
  if (!log || log.size === 0) {
    throw new InvalidInputError(
      'the reward policies train on the warm-up impressions: run with --warmup-days 1 or more',
    );
  }
  let byArchitecture = models.get(log);
  if (!byArchitecture) {
    byArchitecture = new Map();
    models.set(log, byArchitecture);
  }
  let model = byArchitecture.get(architecture);
  if (!model) {
    context.logger.info(
      `training the reward model (${architecture} fusion) on ${log.size} warm-up impressions`,
    );
    model = trainReward(log, itemSideOfWorld(context.world), {
      epochs: rewardPolicyDesign.epochs,
      tieBreak: rewardPolicyDesign.tieBreak,
      architecture,
      seed: context.random.int(1 << 30),
      logger: context.logger,
      progress: context.progress,
    }).model;
    byArchitecture.set(architecture, model);
  }
  return model;
}

/**
 * A policy that ranks the shared recall candidates (item-kNN + popularity) by
 * a score derived from the reward model's output.
 */
export function rewardRankingPolicy(
  name: string,
  description: string,
  pick: (scores: RewardScores) => Float32Array,
): PolicyFactory {
  return {
    name,
    description,
    create(context: PolicyContext): Policy {
      const model = rewardModelOf(context);
      const side = itemSideOfWorld(context.world);
      const recall = new RecallCandidates(context.training, rewardPolicyDesign.perSource);
      const random = context.random.fork();
      const numItems = context.world.catalogue.size;
      const top = new Int32Array(64);
      const best = new Float64Array(64);
      return {
        name,
        rank(request, out) {
          const candidates = recall.of(request);
          const batch = batchOfCandidates(candidates, request, model.config.historyLength);
          const found = topItems(pick(scoreCandidates(model, batch, side)), request.size, top, best);
          for (let k = 0; k < found; k++) out[k] = candidates[top[k]!]!;
          if (found < request.size) fillRandom(request, out, found, random, numItems);
        },
      };
    },
  };
}

export const fixedFormulaPolicy = rewardRankingPolicy(
  'fixed-formula',
  'recall candidates ranked by the hand-tuned formula over the reward heads (docs/reward.md)',
  (scores) => formulaScores(scores.predictions, headNames),
);

export const learnedRewardPolicy = rewardRankingPolicy(
  'learned-reward',
  'recall candidates ranked by the learned EMER-style fusion of the reward heads (docs/reward.md)',
  (scores) => scores.fused,
);

/** The hour a session reward scores at: the evening peak of the playground's activity curve. */
const sessionRewardHour = 20;

/**
 * The learned reward as the generator's alignment reward (OneRec IPA scores
 * beam-searched sessions with the reward model): the mean fused satisfaction
 * score of the session's videos, each scored as a candidate of the user's
 * request at the evening peak. It is trained on the warm-up impressions only,
 * so the aligned policy never sees the hidden satisfaction.
 */
export const learnedSessionReward: RewardFactory = (context) => {
  const model = rewardModelOf(context);
  const side = itemSideOfWorld(context.world);
  return (user, history, session) => {
    const request = { user, history, hour: sessionRewardHour };
    const { fused } = scoreCandidates(
      model,
      batchOfCandidates(session, request, model.config.historyLength),
      side,
    );
    let sum = 0;
    for (const score of fused) sum += score;
    return sum / Math.max(1, fused.length);
  };
};
