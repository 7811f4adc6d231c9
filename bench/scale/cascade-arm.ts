import {
  Cascade,
  type CascadeParts,
  fitCascadeParts,
  fitTargetAttention,
  resolveCascadeConfig,
  trainTwoTower,
} from '../../src/cascade/index.js';
import type { RewardModel } from '../../src/reward/index.js';
import type { ServeRequest } from './measure-point.js';
import { linearPrerankFlops, rewardFlops, targetAttentionFlops, twoTowerFlops } from './model-flops.js';
import { pageSize, type ScaleSetup } from './scale-setup.js';

/** The cascade's swept knobs (issue 18: "its sizes ... are knobs"). */
export interface CascadeKnobSpace {
  /** Candidates recall returns in all (40% item-kNN, 40% ANN, 15% popular, 5% fresh). */
  recall: readonly number[];
  prerankModel: readonly ('linear' | 'two-tower')[];
  /** Candidates the pre-rank keeps for the rank stage. */
  prerankSize: readonly number[];
  /** none: the pre-rank order stands; reward: the reward model's fused score; target-attention: the DIN-style ranker. */
  rankModel: readonly ('none' | 'reward' | 'target-attention')[];
}

export const fullCascadeKnobs: CascadeKnobSpace = {
  recall: [1000, 3000],
  prerankModel: ['linear', 'two-tower'],
  prerankSize: [100, 300],
  rankModel: ['none', 'reward', 'target-attention'],
};

export interface CascadeKnobs {
  recall: number;
  prerankModel: 'linear' | 'two-tower';
  prerankSize: number;
  rankModel: 'none' | 'reward' | 'target-attention';
}

export function cascadeKnobPoints(space: CascadeKnobSpace): CascadeKnobs[] {
  const points: CascadeKnobs[] = [];
  for (const recall of space.recall)
    for (const prerankModel of space.prerankModel)
      for (const prerankSize of space.prerankSize)
        for (const rankModel of space.rankModel)
          points.push({ recall, prerankModel, prerankSize, rankModel });
  return points;
}

export const cascadeLabel = (knobs: CascadeKnobs) =>
  `recall ${knobs.recall}, ${knobs.prerankModel} keep ${knobs.prerankSize}, rank ${knobs.rankModel}`;

const recallSplit = (total: number) => ({
  itemknn: Math.round(0.4 * total),
  ann: Math.round(0.4 * total),
  popular: Math.round(0.15 * total),
  fresh: total - 2 * Math.round(0.4 * total) - Math.round(0.15 * total),
});

/** Fit seconds of each of the cascade's parts. */
export interface CascadeFit {
  parts: CascadeParts;
  seconds: Record<string, number>;
}

/**
 * The cascade's parts fitted once per size (statistics, item vectors, HNSW
 * index, linear pre-rank; the two-tower and target-attention models only when
 * a knob uses them); every knob setting is a new `Cascade` over them.
 */
export function fitCascade(
  setup: ScaleSetup,
  space: CascadeKnobSpace,
  options: { prerankUsers: number },
): CascadeFit {
  const { catalogue, traffic } = setup;
  const seconds: Record<string, number> = {};
  let started = performance.now();
  const base = resolveCascadeConfig({ prerankUsers: options.prerankUsers });
  const parts = fitCascadeParts(catalogue, traffic.sequences, base);
  seconds.statistics = (performance.now() - started) / 1000;
  if (space.prerankModel.includes('two-tower')) {
    started = performance.now();
    const side = { author: catalogue.author, category: catalogue.category };
    const twoTower = trainTwoTower(
      traffic.sequences,
      {
        numItems: catalogue.size,
        numAuthors: catalogue.authorNames.length,
        numCategories: catalogue.categoryNames.length,
        side,
      },
      { ...base.twoTower, seed: base.seed },
    );
    parts.twoTower = { model: twoTower.model, itemVectors: twoTower.model.itemVectors(side) };
    seconds.twoTower = (performance.now() - started) / 1000;
  }
  if (space.rankModel.includes('target-attention')) {
    started = performance.now();
    parts.rankModel = fitTargetAttention(catalogue, traffic.log, base);
    seconds.targetAttention = (performance.now() - started) / 1000;
  }
  return { parts, seconds };
}

/** Serves the evaluation users through the cascade at one knob setting; FLOPs of its pre-rank and rank. */
export function cascadeServe(
  setup: ScaleSetup,
  parts: CascadeParts,
  knobs: CascadeKnobs,
  reward: RewardModel | undefined,
): ServeRequest {
  const config = resolveCascadeConfig({
    ...parts.config,
    quotas: recallSplit(knobs.recall),
    prerankModel: knobs.prerankModel,
    prerankSize: knobs.prerankSize,
    rankModel: knobs.rankModel === 'target-attention' ? 'target-attention' : 'reward',
  });
  if (knobs.rankModel === 'reward' && reward === undefined)
    throw new RangeError('rank reward needs the reward model');
  const { rankModel, reward: _, ...rest } = parts;
  const cascade = new Cascade({
    ...rest,
    ...(knobs.rankModel === 'target-attention' && { rankModel }),
    ...(knobs.rankModel === 'reward' && reward !== undefined && { reward }),
    config,
  });
  const prerankFlops =
    knobs.prerankModel === 'linear'
      ? linearPrerankFlops(knobs.recall, config.dim)
      : twoTowerFlops(knobs.recall, config.twoTower);
  const kept = Math.min(knobs.prerankSize, knobs.recall);
  const rankFlops =
    knobs.rankModel === 'reward'
      ? rewardFlops(kept, reward!.config)
      : knobs.rankModel === 'target-attention'
        ? targetAttentionFlops(kept, config.targetAttention)
        : 0;
  const { traffic, users, seen, now } = setup;
  return (k) => {
    const stages = {};
    const ranked = cascade.rankIndices(traffic.sequences[users[k]!]!, pageSize, seen[k]!, now, stages);
    return { items: ranked.items, stages, flops: prerankFlops + rankFlops };
  };
}

export const cascadeModelStages = ['prerank', 'rank'] as const;
