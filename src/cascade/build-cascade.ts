import { cosineNeighbours } from '../baselines/index.js';
import { InvalidInputError, Random } from '../core/index.js';
import type { ImpressionLog, RewardModel } from '../reward/index.js';
import { collaborativeVectors } from '../tokenizer/index.js';
import { AnnIndex } from './ann-index.js';
import { Cascade, type CascadeParts } from './cascade.js';
import { type CascadeConfig, type CascadeSettings, resolveCascadeConfig } from './cascade-config.js';
import { Catalogue, type CatalogueItem } from './catalogue.js';
import type { ItemEmbeddings } from './item-vectors.js';
import { recentCounts } from './popular-recall.js';
import { defaultPrerankWeights, fitPrerankWeights, type PrerankExample } from './prerank-model.js';
import type { TargetAttentionModel } from './target-attention-model.js';
import { trainTargetAttention } from './train-target-attention.js';
import { trainTwoTower } from './train-two-tower.js';
import type { TwoTowerModel } from './two-tower-model.js';

export interface BuildCascadeInput {
  /** The catalogue; item i gets dense index i (a reward model must use the same order). */
  items: readonly CatalogueItem[];
  /** User id -> consumed item ids, oldest first (a Map or its entries). */
  interactions: Iterable<readonly [string, readonly string[]]>;
  /** The rank stage's model (`reward`'s `loadRewardModel`); without one the pre-rank score ranks. */
  reward?: RewardModel;
  /**
   * Logged impressions (users and items as dense indices, items in catalogue
   * order) the target-attention ranker trains on when the settings select it
   * (`rankModel: 'target-attention'`) and no trained `rankModel` is given.
   */
  impressions?: ImpressionLog;
  /** A trained target-attention ranker over this catalogue's item order. */
  rankModel?: TargetAttentionModel;
}

export interface BuildCascadeOptions {
  settings?: CascadeSettings;
  /** Drop interactions with items the catalogue does not hold instead of failing (default false). */
  skipUnknownItems?: boolean;
  /** `name@version` reported with every feed. */
  modelVersion?: string;
}

/**
 * Fits a cascade on a catalogue and its users' sequences: item-kNN
 * neighbourhoods, item embeddings (SPPMI-SVD, the tokenizer's item2vec-equivalent
 * collaborative vectors), the HNSW index over them and recent popularity.
 * An interaction with an unknown item is an `InvalidInputError` naming the user
 * and the item, unless `skipUnknownItems`.
 */
export function buildCascade(input: BuildCascadeInput, options: BuildCascadeOptions = {}): Cascade {
  const catalogue = new Catalogue(input.items);
  const sequences: Int32Array[] = [];
  let interactions = 0;
  let skipped = 0;
  for (const [userId, itemIds] of input.interactions) {
    const sequence: number[] = [];
    for (const itemId of itemIds) {
      const index = catalogue.indexOf(itemId);
      if (index >= 0) sequence.push(index);
      else if (options.skipUnknownItems) skipped++;
      else
        throw new InvalidInputError(
          `interactions of user "${userId}": item "${itemId}" is not in the catalogue (pass skipUnknownItems to drop such interactions)`,
        );
    }
    interactions += sequence.length;
    sequences.push(Int32Array.from(sequence));
  }
  const parts = fitCascadeParts(catalogue, sequences, options.settings);
  if (input.reward) parts.reward = input.reward;
  if (input.rankModel) parts.rankModel = input.rankModel;
  else if (parts.config.rankModel === 'target-attention') {
    if (!input.impressions)
      throw new InvalidInputError(
        "rankModel 'target-attention' needs impressions to train on (or a trained rankModel)",
      );
    parts.rankModel = fitTargetAttention(catalogue, input.impressions, parts.config);
  }
  parts.info = { ...parts.info, interactions, skippedInteractions: skipped };
  return new Cascade(parts, options.modelVersion === undefined ? {} : { modelVersion: options.modelVersion });
}

/**
 * The fitted parts of a cascade from dense-index sequences (what the eval
 * adapter fits on). The pre-rank weights are fitted on a held-out copy: every
 * part is first built on the sequences without their last item, and a sample
 * of `prerankUsers` users learns to rank that item among its recall
 * candidates; the served parts are then built on the whole sequences.
 */
export function fitCascadeParts(
  catalogue: Catalogue,
  sequences: readonly Int32Array[],
  settings: CascadeSettings = {},
): CascadeParts {
  const config = resolveCascadeConfig(settings);
  const parts = fitStatistics(catalogue, sequences, config);
  if (config.prerankModel === 'two-tower') {
    parts.twoTower = fitTwoTower(catalogue, sequences, config);
    return parts;
  }
  const fit = fitPrerank(catalogue, sequences, config);
  parts.prerankWeights = fit.weights;
  parts.info.prerankExamples = fit.examples;
  return parts;
}

function fitPrerank(
  catalogue: Catalogue,
  sequences: readonly Int32Array[],
  config: CascadeConfig,
): { weights: Float32Array; examples: number } {
  const initial = defaultPrerankWeights();
  const eligible = sequences.flatMap((sequence, user) => (sequence.length >= 2 ? [user] : []));
  if (config.prerankUsers === 0 || eligible.length === 0) return { weights: initial, examples: 0 };
  // Only the held-out recall and features are used: no rank model.
  const heldOut = new Cascade(
    fitStatistics(
      catalogue,
      sequences.map((sequence) => sequence.subarray(0, -1)),
      { ...config, rankModel: 'reward' },
    ),
  );
  const random = new Random(config.seed);
  for (let k = eligible.length - 1; k > 0; k--) {
    const j = random.int(k + 1);
    [eligible[k], eligible[j]] = [eligible[j]!, eligible[k]!];
  }
  // Freshness is measured at the newest upload, so a build does not depend on the clock.
  let now = 0;
  for (const time of catalogue.uploadedAt) if (time > now) now = time;
  const examples: PrerankExample[] = [];
  for (const user of eligible.slice(0, config.prerankUsers)) {
    const sequence = sequences[user]!;
    const example = heldOut.prerankExample(sequence.subarray(0, -1), sequence.at(-1)!, now);
    if (example) examples.push(example);
  }
  if (examples.length === 0) return { weights: initial, examples: 0 };
  const weights = fitPrerankWeights(examples, initial, { epochs: config.prerankEpochs, seed: config.seed });
  return { weights, examples: examples.length };
}

/** The two-tower pre-rank trained on next items of the sequences, and every item's vector. */
function fitTwoTower(
  catalogue: Catalogue,
  sequences: readonly Int32Array[],
  config: CascadeConfig,
): { model: TwoTowerModel; itemVectors: Float32Array } {
  const side = { author: catalogue.author, category: catalogue.category };
  const { model } = trainTwoTower(
    sequences,
    {
      numItems: catalogue.size,
      numAuthors: catalogue.authorNames.length,
      numCategories: catalogue.categoryNames.length,
      side,
    },
    { ...config.twoTower, seed: config.seed },
  );
  return { model, itemVectors: model.itemVectors(side) };
}

/** The target-attention ranker trained on logged impressions over this catalogue. */
export function fitTargetAttention(
  catalogue: Catalogue,
  impressions: ImpressionLog,
  config: CascadeConfig,
): TargetAttentionModel {
  if (impressions.numItems !== catalogue.size)
    throw new InvalidInputError(
      `impressions: the log counts ${impressions.numItems} items, the catalogue has ${catalogue.size}`,
    );
  const side = {
    author: catalogue.author,
    category: catalogue.category,
    durationMs: catalogue.durationMs,
    numAuthors: catalogue.authorNames.length,
    numCategories: catalogue.categoryNames.length,
  };
  return trainTargetAttention(impressions, side, { ...config.targetAttention, seed: config.seed }).model;
}

/** Every part but the learned pre-rank weights (left at their defaults). */
function fitStatistics(
  catalogue: Catalogue,
  sequences: readonly Int32Array[],
  config: CascadeConfig,
): CascadeParts {
  const numItems = catalogue.size;
  const neighbours = cosineNeighbours(sequences, numItems, {
    neighbours: config.neighbours,
    shrink: config.shrink,
  });
  const embeddings = itemEmbeddings(sequences, numItems, config.dim, config.vectorWindow, config.seed);
  const ann = AnnIndex.build(embeddings, { ...config.ann, seed: config.seed });
  let interactions = 0;
  for (const sequence of sequences) interactions += sequence.length;
  return {
    config,
    catalogue,
    neighbours,
    embeddings,
    ann,
    popularCounts: recentCounts(sequences, numItems, config.popularWindow),
    prerankWeights: defaultPrerankWeights(),
    info: {
      users: sequences.length,
      interactions,
      skippedInteractions: 0,
      prerankExamples: 0,
      built: new Date().toISOString(),
    },
  };
}

/**
 * Unit-length item vectors [numItems, dim]. The SVD's rank cannot exceed the
 * catalogue, so a tiny catalogue gets fewer dimensions padded with zeros.
 */
function itemEmbeddings(
  sequences: readonly Int32Array[],
  numItems: number,
  dim: number,
  window: number,
  seed: number,
): ItemEmbeddings {
  const rank = Math.max(1, Math.min(dim, numItems - 1));
  const fitted = collaborativeVectors(sequences, numItems, { dim: rank, window, seed });
  if (rank === dim) return { vectors: fitted.vectors, count: numItems, dim };
  const vectors = new Float32Array(numItems * dim);
  for (let item = 0; item < numItems; item++) {
    vectors.set(fitted.vectors.subarray(item * rank, (item + 1) * rank), item * dim);
  }
  return { vectors, count: numItems, dim };
}
