import type { Recommender, RecommenderSpec, TrainingData } from '../eval/index.js';
import { itemUserCounts } from './item-counts.js';

/** Most popular: every user gets the items most users consumed in the training data. */
export class Popularity implements Recommender {
  #counts: Float32Array = new Float32Array(0);

  fit(data: TrainingData): undefined {
    this.#counts = itemUserCounts(data.sequences, data.numItems);
    return undefined;
  }

  score(_user: number, _history: Int32Array, scores: Float32Array): void {
    scores.set(this.#counts);
  }

  /** Items it was fitted on (it scores these). */
  get numItems(): number {
    return this.#counts.length;
  }

  /** Users per item as fitted (a generative model saves them beside it as its ID model). */
  counts(): Float32Array {
    return this.#counts;
  }

  /** A fitted model from `counts()`. */
  static fromCounts(counts: Float32Array): Popularity {
    const popularity = new Popularity();
    popularity.#counts = counts;
    return popularity;
  }
}

export const popularitySpec: RecommenderSpec = {
  name: 'pop',
  description: 'most popular items (users who consumed each item in the training data)',
  defaults: {},
  search: {},
  create: () => new Popularity(),
};
