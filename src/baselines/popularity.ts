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
}

export const popularitySpec: RecommenderSpec = {
  name: 'pop',
  description: 'most popular items (users who consumed each item in the training data)',
  defaults: {},
  search: {},
  create: () => new Popularity(),
};
