import { RewardRanker } from '../../src/cascade/index.js';
import { Random, silentLogger, silentProgress } from '../../src/core/index.js';
import type { StageCost } from '../../src/feed/index.js';
import { timeStage } from '../../src/feed/index.js';
import { GenerativeRecommender } from '../../src/generative/index.js';
import type { RewardModel } from '../../src/reward/index.js';
import { tokenizerVectors } from './item-vectors.js';
import type { ServeRequest } from './measure-point.js';
import { beamSearchFlops, type DecoderShape, rewardFlops } from './model-flops.js';
import { pageSize, type ScaleSetup } from './scale-setup.js';

/**
 * Semantic IDs sized for the catalogue: 3 levels of K codes, K the smallest
 * power of two (at least 32) with K^3 >= 8 x items, so the code space holds
 * every item about 8-16 times over and few items share a full path (the
 * disambiguation code tells those apart): 32 at 2k, 64 at 20k, 128 at 200k,
 * 256 at 1M (OneRec: 3 x 8192 for a catalogue of hundreds of millions).
 */
export function semanticIdShape(items: number): { levels: number; codebookSize: number } {
  const levels = 3;
  let codebookSize = 32;
  while (codebookSize ** levels < 8 * items) codebookSize *= 2;
  return { levels, codebookSize };
}

/** A model size of the generative knob space. */
export interface GenerativeModelSize {
  name: string;
  dim: number;
  heads: number;
  layers: number;
}

export const modelSizes: Record<string, GenerativeModelSize> = {
  d64: { name: 'd64', dim: 64, heads: 2, layers: 2 },
  d128: { name: 'd128', dim: 128, heads: 4, layers: 2 },
};

export interface GenerativeKnobSpace {
  models: readonly GenerativeModelSize[];
  beamWidth: readonly number[];
  /** none: the beam's order; reward: the beam's items ordered by the reward model (the cascade's rank scorer). */
  rerank: readonly ('none' | 'reward')[];
}

export const fullGenerativeKnobs: GenerativeKnobSpace = {
  models: [modelSizes.d64!, modelSizes.d128!],
  beamWidth: [20, 50, 100],
  rerank: ['none', 'reward'],
};

/**
 * The training budget: the sequences of at most `users` users (a seeded
 * sample; every user below that) for about `steps` optimiser steps of
 * `batchSize` sequences and at most `maxEpochs` passes, i.e. epochs =
 * clamp(round(steps x batch / sequences), 1, maxEpochs) on a cosine over
 * those epochs. The cost is then bounded whatever the catalogue size; the
 * epoch cap keeps the small worlds from many passes over few users (12: the
 * demo preset's epochs).
 */
export interface TrainingBudget {
  users: number;
  steps: number;
  batchSize: number;
  maxEpochs: number;
}

export const defaultBudget: TrainingBudget = { users: 20_000, steps: 1500, batchSize: 64, maxEpochs: 12 };

export interface GenerativeFit {
  model: GenerativeRecommender;
  size: GenerativeModelSize;
  epochs: number;
  trainUsers: number;
  seconds: number;
}

/**
 * The generative recommender at one model size: OneRec-V2's lazy decoder
 * (src/generative; the encoder-decoder re-encodes each training target's
 * window and re-projects the memory per beam, several times the cost on the
 * scaled log), RQ-Kmeans semantic IDs sized by `semanticIdShape` of the
 * vectors of `tokenizerVectors` (collaborative, unplayed items placed by author), trained on the scaled log's valid plays within `budget`.
 */
export async function fitGenerative(
  setup: ScaleSetup,
  size: GenerativeModelSize,
  budget: TrainingBudget,
): Promise<GenerativeFit> {
  const started = performance.now();
  const random = new Random(2718);
  const active = setup.traffic.sequences.filter((sequence) => sequence.length >= 1);
  // Partial Fisher-Yates: a seeded sample of the users when there are more than the budget.
  const sample = [...active];
  const count = Math.min(budget.users, sample.length);
  for (let i = 0; i < count; i++) {
    const j = i + random.int(sample.length - i);
    [sample[i], sample[j]] = [sample[j]!, sample[i]!];
  }
  const sequences = sample.slice(0, count);
  const epochs = Math.min(
    budget.maxEpochs,
    Math.max(1, Math.round((budget.steps * budget.batchSize) / sequences.length)),
  );
  const model = new GenerativeRecommender(
    {
      architecture: 'lazy-decoder',
      dim: size.dim,
      heads: size.heads,
      layers: size.layers,
      dropout: 0.1,
      maxItems: 50,
      epochs,
      decayEpochs: epochs,
      batchSize: budget.batchSize,
      lr: 3e-3,
      ...semanticIdShape(setup.items),
      vectorKind: 'content',
    },
    {
      content: () => tokenizerVectors(sequences, setup.catalogue),
    },
  );
  await model.fit(
    { numUsers: sequences.length, numItems: setup.items, sequences },
    { random: random.fork(), logger: silentLogger, progress: silentProgress },
  );
  return { model, size, epochs, trainUsers: sequences.length, seconds: (performance.now() - started) / 1000 };
}

/** The decoder's shape as `beamSearchFlops` reads it. */
export function decoderShape(model: GenerativeRecommender): DecoderShape {
  const config = model.model.config;
  const offsets = config.levelOffsets;
  return {
    dim: config.dim,
    layers: config.layers,
    ffnDim: config.ffnDim ?? 4 * config.dim,
    depth: offsets.length - 1,
    maxItems: config.maxItems,
    levelSizes: offsets.slice(1).map((end, level) => end - offsets[level]!),
  };
}

/**
 * One request of the generative feed: trie-constrained beam search of
 * `beamWidth` items over the user's valid plays, excluding every video the log
 * showed them (stage `beam`: prefill + decoding), then the reward rerank
 * (stage `rerank`: the beam's items ordered by the reward model's fused score,
 * the cascade's `reward` rank scorer) or the beam's own order, and the page
 * (stage `filter`: paths that name no servable item dropped, the first 20).
 */
export function generativeServe(
  setup: ScaleSetup,
  fit: GenerativeFit,
  knobs: { beamWidth: number; rerank: 'none' | 'reward' },
  reward: RewardModel | undefined,
): ServeRequest {
  const { model } = fit;
  const { traffic, users, seen, now, catalogue } = setup;
  const ranker = knobs.rerank === 'reward' ? new RewardRanker(reward!, catalogue) : undefined;
  const shape = decoderShape(model);
  const rerankFlops = ranker ? rewardFlops(knobs.beamWidth, reward!.config) : 0;
  return (k) => {
    const stages: Record<string, StageCost> = {};
    const history = traffic.sequences[users[k]!]!;
    const generated = timeStage(stages, 'beam', () =>
      model.generate(history, { k: knobs.beamWidth, beamWidth: knobs.beamWidth, exclude: seen[k]! }),
    );
    const ordered = timeStage(stages, 'rerank', () => {
      const items = generated.items.filter((item) => item >= 0);
      if (ranker === undefined || items.length === 0) return items;
      const scores = ranker.score(items, history, now);
      const order = Array.from(items.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b);
      return Int32Array.from(order, (at) => items[at]!);
    });
    const items = timeStage(stages, 'filter', () =>
      ordered.filter((item) => catalogue.hidden[item] === 0).subarray(0, pageSize),
    );
    return {
      items,
      stages,
      flops: beamSearchFlops(shape, history.length, knobs.beamWidth) + rerankFlops,
    };
  };
}

export const generativeModelStages = ['beam', 'rerank'] as const;
