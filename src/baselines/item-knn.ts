import { z } from 'zod';
import { parseParams, type Recommender, type RecommenderSpec, type TrainingData } from '../eval/index.js';
import { cosineNeighbours, type Neighbours } from './cosine-neighbours.js';
import { itemUserCounts, scaledToMax } from './item-counts.js';

/**
 * A popularity prior this small only orders items the neighbourhoods leave
 * unscored (users whose history has few neighbours still get a full list).
 */
export const POPULARITY_TIE_BREAK = 1e-6;

export const itemKnnParamsSchema = z.object({
  /** Neighbours kept per item. */
  neighbours: z.number().int().min(1).default(100),
  /** Damps similarities resting on few common users (cosine-neighbours.ts). */
  shrink: z.number().min(0).default(10),
  /** Weight of a history item is decay^age (the last item has age 0). */
  decay: z.number().min(0).max(1).default(1),
});

export type ItemKnnParams = z.infer<typeof itemKnnParamsSchema>;

/**
 * Item-based collaborative filtering (Sarwar et al. 2001): a user's score for
 * item j sums the cosine similarities between j and the items in the history.
 * `decay` < 1 weights recent history items more (weight decay^age, the last
 * item has age 0), which matters for sequential data such as Amazon reviews.
 */
export class ItemKnn implements Recommender {
  readonly #params: ItemKnnParams;
  #neighbours: Neighbours | undefined;
  #prior: Float32Array = new Float32Array(0);

  constructor(params: z.input<typeof itemKnnParamsSchema> = {}) {
    this.#params = parseParams(itemKnnSpec, params, { ignoreUnknown: true });
  }

  fit(data: TrainingData): undefined {
    this.#neighbours = cosineNeighbours(data.sequences, data.numItems, {
      neighbours: this.#params.neighbours,
      shrink: this.#params.shrink,
    });
    this.#prior = scaledToMax(itemUserCounts(data.sequences, data.numItems)).map(
      (value) => value * POPULARITY_TIE_BREAK,
    );
    return undefined;
  }

  score(_user: number, history: Int32Array, scores: Float32Array): void {
    scores.set(this.#prior);
    addNeighbourScores(this.#neighbourhoods(), history, this.#params.decay, 1, scores);
  }

  #neighbourhoods(): Neighbours {
    if (!this.#neighbours) throw new Error('ItemKnn.score called before fit');
    return this.#neighbours;
  }
}

/** scores[j] += scale * sum over history items h of decay^age(h) * sim(h, j). */
export function addNeighbourScores(
  neighbours: Neighbours,
  history: Int32Array,
  decay: number,
  scale: number,
  scores: Float32Array,
): void {
  const { offsets, items, weights } = neighbours;
  let weight = scale;
  for (let position = history.length - 1; position >= 0; position--) {
    const item = history[position]!;
    for (let n = offsets[item]!; n < offsets[item + 1]!; n++) scores[items[n]!]! += weight * weights[n]!;
    weight *= decay;
  }
}

export const itemKnnSpec: RecommenderSpec<ItemKnnParams> = {
  name: 'itemknn',
  description: 'item-based collaborative filtering: cosine similarity with shrinkage, tuned neighbourhood',
  params: itemKnnParamsSchema,
  defaults: itemKnnParamsSchema.parse({}),
  search: { neighbours: [50, 200, 1000], shrink: [10, 50, 200], decay: [1, 0.8, 0.6, 0.4] },
  create: (params) => new ItemKnn(params),
};
