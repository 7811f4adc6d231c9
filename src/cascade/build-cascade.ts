import { cosineNeighbours } from '../baselines/index.js';
import { InvalidInputError } from '../core/index.js';
import type { RewardModel } from '../reward/index.js';
import { collaborativeVectors } from '../tokenizer/index.js';
import { AnnIndex } from './ann-index.js';
import { Cascade, type CascadeParts } from './cascade.js';
import { type CascadeSettings, resolveCascadeConfig } from './cascade-config.js';
import { Catalogue, type CatalogueItem } from './catalogue.js';
import type { ItemEmbeddings } from './item-vectors.js';
import { recentCounts } from './popular-recall.js';

export interface BuildCascadeInput {
  /** The catalogue; item i gets dense index i (a reward model must use the same order). */
  items: readonly CatalogueItem[];
  /** User id -> consumed item ids, oldest first (a Map or its entries). */
  interactions: Iterable<readonly [string, readonly string[]]>;
  /** The rank stage's model (`reward`'s `loadRewardModel`); without one the pre-rank score ranks. */
  reward?: RewardModel;
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
  parts.info = { ...parts.info, interactions, skippedInteractions: skipped };
  return new Cascade(parts, options.modelVersion === undefined ? {} : { modelVersion: options.modelVersion });
}

/** The fitted parts of a cascade from dense-index sequences (what the eval adapter fits on). */
export function fitCascadeParts(
  catalogue: Catalogue,
  sequences: readonly Int32Array[],
  settings: CascadeSettings = {},
): CascadeParts {
  const config = resolveCascadeConfig(settings);
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
    info: {
      users: sequences.length,
      interactions,
      skippedInteractions: 0,
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
