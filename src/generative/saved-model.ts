import type { Recommender } from '../eval/index.js';
import { topK } from '../eval/index.js';
import type { ModelManifest } from './model-manifest.js';

export interface Recommendation {
  itemId: string;
  score: number;
}

export interface RecommendByIdResult {
  items: Recommendation[];
  /** History ids the model does not know (not in its item list); they were ignored. */
  unknownIds: string[];
}

/** A model loaded from a model directory: recommends by the dataset's own item ids. */
export class SavedModel {
  readonly #index: Map<string, number>;

  constructor(
    readonly manifest: ModelManifest,
    readonly recommender: Recommender,
    readonly itemIds: readonly string[],
  ) {
    this.#index = new Map(itemIds.map((id, item) => [id, item]));
  }

  /** The model index of each id (-1 when unknown). */
  indicesOf(ids: readonly string[]): Int32Array {
    return Int32Array.from(ids, (id) => this.#index.get(id) ?? -1);
  }

  /**
   * The top `k` items after a history of item ids (oldest first), none of the
   * history; generative models answer by beam search, others by full-catalogue
   * scoring. Unknown history ids are dropped and listed.
   */
  recommend(historyIds: readonly string[], k: number): RecommendByIdResult {
    if (!Number.isInteger(k) || k < 1)
      throw new RangeError(`recommend: k must be a positive integer, got ${k}`);
    const indices = this.indicesOf(historyIds);
    const unknownIds = historyIds.filter((_, i) => indices[i]! < 0);
    const history = indices.filter((item) => item >= 0);
    const found = this.recommendIndices(history, k);
    const items = Array.from(found.items, (item, i) => ({
      itemId: this.itemIds[item]!,
      score: found.scores[i]!,
    }));
    return { items, unknownIds };
  }

  /** `recommend` on model indices. */
  recommendIndices(history: Int32Array, k: number): { items: Int32Array; scores: Float32Array } {
    const numItems = this.itemIds.length;
    if (this.recommender.recommend !== undefined) return this.recommender.recommend(0, history, k, history);
    const scores = new Float32Array(numItems);
    this.recommender.score(0, history, scores);
    for (const item of history) scores[item] = Number.NEGATIVE_INFINITY;
    const items = topK(scores, Math.min(k, numItems));
    return { items, scores: Float32Array.from(items, (item) => scores[item]!) };
  }
}
