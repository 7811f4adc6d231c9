import type { Recommender, RecommenderSpec, TrainingData } from '../eval/index.js';
import { loadBaseline, saveBaseline } from './baseline-checkpoint.js';
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

  /** Writes the fitted counts as safetensors (`Popularity.load` reads it). */
  async save(path: string): Promise<void> {
    await saveBaseline(path, { model: 'pop', params: {}, floats: { counts: this.#counts }, neighbours: {} });
  }

  static async load(path: string): Promise<Popularity> {
    const popularity = new Popularity();
    popularity.#counts = (await loadBaseline(path, 'pop', ['counts'])).floats.counts!;
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
