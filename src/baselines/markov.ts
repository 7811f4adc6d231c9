import { z } from 'zod';
import { InvalidInputError } from '../core/index.js';
import { parseParams, type Recommender, type RecommenderSpec, type TrainingData } from '../eval/index.js';
import { cosineNeighbours, type Neighbours } from './cosine-neighbours.js';
import { itemUserCounts, scaledToMax } from './item-counts.js';
import { addNeighbourScores, itemKnnParamsSchema, POPULARITY_TIE_BREAK } from './item-knn.js';

/** Item-kNN's params with their own defaults, after the blend weight. */
export const markovParamsSchema = z.object({
  /** Share of the transition probability in the blend (the rest is item-kNN). */
  weight: z.number().min(0).max(1).default(0.9),
  neighbours: itemKnnParamsSchema.shape.neighbours.unwrap().default(200),
  shrink: itemKnnParamsSchema.shape.shrink,
  decay: itemKnnParamsSchema.shape.decay.unwrap().default(0.8),
});

export type MarkovParams = z.infer<typeof markovParamsSchema>;

/** What a fitted `MarkovKnn` is: its params and arrays. */
export interface MarkovState {
  params: MarkovParams;
  transitions: Neighbours;
  neighbours: Neighbours;
  prior: Float32Array;
}

/**
 * First-order Markov chain over consecutive items, blended with item-kNN.
 * The chain captures "what comes right after the last item" (FPMC's sequential
 * half, Rendle et al. 2010); item-kNN covers the rest of the history and items
 * with no observed successor:
 *   score(j) = weight * P(j | last) + (1 - weight) * knn(j) / max knn
 * with P(j | i) = count(i -> j) / count(i -> *).
 */
export class MarkovKnn implements Recommender {
  readonly #params: MarkovParams;
  #transitions: Neighbours | undefined;
  #neighbours: Neighbours | undefined;
  #prior: Float32Array = new Float32Array(0);
  #knn: Float32Array = new Float32Array(0);

  constructor(params: z.input<typeof markovParamsSchema> = {}) {
    this.#params = parseParams(markovSpec, params, { ignoreUnknown: true });
  }

  fit(data: TrainingData): undefined {
    this.#transitions = transitionProbabilities(data.sequences, data.numItems);
    this.#neighbours = cosineNeighbours(data.sequences, data.numItems, {
      neighbours: this.#params.neighbours,
      shrink: this.#params.shrink,
    });
    this.#prior = scaledToMax(itemUserCounts(data.sequences, data.numItems)).map(
      (value) => value * POPULARITY_TIE_BREAK,
    );
    this.#knn = new Float32Array(data.numItems);
    return undefined;
  }

  /** Items it was fitted on (it scores these). */
  get numItems(): number {
    return this.#prior.length;
  }

  /** The fitted chain, neighbourhoods and prior (a generative model saves them beside it as its ID model). */
  state(): MarkovState {
    if (!this.#transitions || !this.#neighbours) throw new Error('MarkovKnn.state called before fit');
    return {
      params: this.#params,
      transitions: this.#transitions,
      neighbours: this.#neighbours,
      prior: this.#prior,
    };
  }

  /** A fitted model from `state()`'s arrays; names what does not fit together. */
  static fromState(state: MarkovState): MarkovKnn {
    const { transitions, neighbours, prior } = state;
    for (const [name, rows] of [
      ['transitions', transitions],
      ['neighbours', neighbours],
    ] as const)
      if (rows.offsets.length !== prior.length + 1)
        throw new InvalidInputError(`MarkovKnn: ${name} do not cover its ${prior.length} items`);
    const markov = new MarkovKnn(state.params);
    markov.#transitions = transitions;
    markov.#neighbours = neighbours;
    markov.#prior = prior;
    markov.#knn = new Float32Array(prior.length);
    return markov;
  }

  score(_user: number, history: Int32Array, scores: Float32Array): void {
    if (!this.#transitions || !this.#neighbours) throw new Error('MarkovKnn.score called before fit');
    const weight = this.#params.weight;
    const knn = this.#knn;
    knn.fill(0);
    addNeighbourScores(this.#neighbours, history, this.#params.decay, 1, knn);
    let max = 0;
    for (const value of knn) if (value > max) max = value;
    const knnScale = max > 0 ? (1 - weight) / max : 0;
    for (let item = 0; item < scores.length; item++)
      scores[item] = this.#prior[item]! + knn[item]! * knnScale;
    const last = history.at(-1);
    if (last === undefined) return;
    const { offsets, items, weights } = this.#transitions;
    for (let n = offsets[last]!; n < offsets[last + 1]!; n++) scores[items[n]!]! += weight * weights[n]!;
  }
}

/** P(next = j | current = i) from consecutive pairs, as compressed rows. */
export function transitionProbabilities(sequences: readonly Int32Array[], numItems: number): Neighbours {
  const rows: Array<Map<number, number>> = Array.from({ length: numItems }, () => new Map());
  for (const sequence of sequences) {
    for (let position = 1; position < sequence.length; position++) {
      const row = rows[sequence[position - 1]!]!;
      const next = sequence[position]!;
      row.set(next, (row.get(next) ?? 0) + 1);
    }
  }
  const offsets = new Int32Array(numItems + 1);
  rows.forEach((row, item) => {
    offsets[item + 1] = offsets[item]! + row.size;
  });
  const items = new Int32Array(offsets[numItems]!);
  const weights = new Float32Array(offsets[numItems]!);
  rows.forEach((row, item) => {
    let total = 0;
    for (const count of row.values()) total += count;
    let at = offsets[item]!;
    for (const [next, count] of row) {
      items[at] = next;
      weights[at++] = count / total;
    }
  });
  return { offsets, items, weights };
}

export const markovSpec: RecommenderSpec<MarkovParams> = {
  name: 'markov',
  description: 'first-order item transitions blended with item-kNN',
  params: markovParamsSchema,
  defaults: markovParamsSchema.parse({}),
  search: { weight: [0.5, 0.8, 0.95, 0.99], shrink: [10, 50], decay: [1, 0.8, 0.6] },
  create: (params) => new MarkovKnn(params),
};
