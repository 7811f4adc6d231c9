import { ItemKnn, itemKnnSpec, Popularity } from '../baselines/index.js';
import type { TrainingData } from '../eval/index.js';
import type { FeedRequest } from './policy.js';
import { topItems } from './top-items.js';

/**
 * The candidate generator the reward policies share: the request's best
 * `perSource` unseen items by item-kNN, then by popularity, without repeats.
 * Both ranking policies see the same set for the same request state.
 */
export class RecallCandidates {
  readonly #knn = new ItemKnn({ ...itemKnnSpec.defaults });
  readonly #popularOrder: Int32Array;
  readonly #scores: Float32Array;
  readonly #top: Int32Array;
  readonly #best: Float64Array;
  readonly #taken: Uint8Array;
  readonly #out: Int32Array;

  constructor(
    training: TrainingData,
    readonly perSource = 150,
  ) {
    this.#knn.fit(training);
    const popularity = new Popularity();
    popularity.fit(training);
    const counts = new Float32Array(training.numItems);
    popularity.score(0, new Int32Array(0), counts);
    this.#popularOrder = Int32Array.from(counts.keys()).sort((a, b) => counts[b]! - counts[a]! || a - b);
    this.#scores = new Float32Array(training.numItems);
    this.#top = new Int32Array(perSource);
    this.#best = new Float64Array(perSource);
    this.#taken = new Uint8Array(training.numItems);
    this.#out = new Int32Array(2 * perSource);
  }

  /** The candidates of a request (a view, valid until the next call). */
  of(request: FeedRequest): Int32Array {
    const scores = this.#scores;
    scores.fill(0);
    this.#knn.score(request.user, request.history, scores);
    const seen = request.seen.items();
    for (let k = 0; k < seen.length; k++) scores[seen[k]!] = Number.NEGATIVE_INFINITY;
    const found = topItems(scores, this.perSource, this.#top, this.#best);
    let size = 0;
    for (let k = 0; k < found; k++) {
      this.#out[size++] = this.#top[k]!;
      this.#taken[this.#top[k]!] = 1;
    }
    let popular = 0;
    for (let k = 0; k < this.#popularOrder.length && popular < this.perSource; k++) {
      const item = this.#popularOrder[k]!;
      if (this.#taken[item] === 1 || request.seen.has(item)) continue;
      this.#out[size++] = item;
      popular++;
    }
    for (let k = 0; k < size; k++) this.#taken[this.#out[k]!] = 0;
    return this.#out.subarray(0, size);
  }
}
