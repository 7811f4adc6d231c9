import { InvalidInputError } from '../../core/index.js';
import {
  type CatalogueRecord,
  checkFeedRequest,
  type FeedItem,
  type FeedPipeline,
  type FeedRequest,
  type FeedResult,
  type SimilarItem,
  type StageCost,
  timeStage,
} from '../../feed/index.js';
import { nearestRows, SasRecRecommender, type SavedModel } from '../../generative/index.js';

/**
 * SASRec as a feed (the sequential baseline, same model directory format):
 * score the whole catalogue after the history, mask excluded, consumed and
 * absent items, keep the top n. Stages: `encode`, `score`, `filter`. No cold
 * start: items it was not trained on are never in its feed.
 */
export class SasRecPipeline implements FeedPipeline {
  readonly name = 'sasrec';
  readonly modelVersion?: string;
  readonly #model: SasRecRecommender;
  readonly #itemIds: readonly string[];
  readonly #index: Map<string, number>;
  readonly #absent: Uint8Array;
  readonly #maxLength: number;
  #vectors: Float32Array | undefined;

  constructor(
    saved: SavedModel,
    catalogue: readonly CatalogueRecord[],
    options: { modelVersion?: string } = {},
  ) {
    if (!(saved.recommender instanceof SasRecRecommender))
      throw new InvalidInputError(
        `Cannot build the sasrec pipeline: the model directory holds a "${saved.manifest.model}" model`,
      );
    this.#model = saved.recommender;
    if (options.modelVersion !== undefined) this.modelVersion = options.modelVersion;
    this.#itemIds = saved.itemIds;
    this.#index = new Map(saved.itemIds.map((id, item) => [id, item]));
    this.#maxLength = Number(this.#model.params.maxLength ?? 50);
    this.#absent = new Uint8Array(saved.itemIds.length);
    if (catalogue.length > 0) {
      const visible = new Set(catalogue.filter((record) => !record.hidden).map((record) => record.id));
      saved.itemIds.forEach((id, item) => {
        if (!visible.has(id)) this.#absent[item] = 1;
      });
      if (this.#absent.every((flag) => flag === 1))
        throw new InvalidInputError(
          `Cannot build the sasrec pipeline: none of its ${saved.itemIds.length} items is in the catalogue of ${catalogue.length}`,
        );
    }
  }

  recommend(request: FeedRequest): FeedResult {
    checkFeedRequest(request);
    const stages: Record<string, StageCost> = {};
    const consumed = timeStage(stages, 'encode', () => {
      const indices: number[] = [];
      for (const id of request.history) {
        const item = this.#index.get(id);
        if (item !== undefined) indices.push(item);
      }
      return Int32Array.from(indices);
    });
    const scores = new Float32Array(this.#itemIds.length);
    timeStage(stages, 'score', () => this.#model.score(0, consumed.subarray(-this.#maxLength), scores));
    const items = timeStage(stages, 'filter', () => {
      // The whole history is masked, not only the window the model reads.
      for (const item of consumed) scores[item] = Number.NEGATIVE_INFINITY;
      for (const id of request.exclude) {
        const item = this.#index.get(id);
        if (item !== undefined) scores[item] = Number.NEGATIVE_INFINITY;
      }
      this.#absent.forEach((flag, item) => {
        if (flag === 1) scores[item] = Number.NEGATIVE_INFINITY;
      });
      const order = topIndices(scores, request.n);
      return order.map(
        (item): FeedItem => ({ itemId: this.#itemIds[item]!, score: scores[item]!, source: 'sasrec' }),
      );
    });
    return { items, stages };
  }

  /** Nearest items by the cosine of SASRec's item embeddings; undefined for an item it does not know. */
  similar(itemId: string, n: number): SimilarItem[] | undefined {
    const item = this.#index.get(itemId);
    if (item === undefined) return undefined;
    const dim = this.#model.model.items.weight.shape[1]!;
    if (this.#vectors === undefined) {
      const count = this.#itemIds.length;
      const vectors = this.#model.model.items.weight.data.slice(0, count * dim);
      for (let row = 0; row < count; row++) {
        let norm = 0;
        for (let j = 0; j < dim; j++) norm += vectors[row * dim + j]! ** 2;
        const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
        for (let j = 0; j < dim; j++) vectors[row * dim + j]! *= scale;
      }
      this.#vectors = vectors;
    }
    const absent = this.#absent.reduce((sum, flag) => sum + flag, 0);
    return nearestRows(this.#vectors, dim, item, n + absent)
      .filter(({ row }) => this.#absent[row] === 0)
      .slice(0, n)
      .map(({ row, score }) => ({ itemId: this.#itemIds[row]!, score }));
  }
}

/** Indices of the `k` largest finite scores, largest first (ties: lower index). */
function topIndices(scores: Float32Array, k: number): number[] {
  const best: number[] = [];
  for (let item = 0; item < scores.length; item++) {
    const score = scores[item]!;
    if (score === Number.NEGATIVE_INFINITY || Number.isNaN(score)) continue;
    if (best.length === k && score <= scores[best[k - 1]!]!) continue;
    let at = best.length < k ? best.length : k - 1;
    if (best.length < k) best.push(item);
    while (at > 0 && scores[best[at - 1]!]! < score) {
      best[at] = best[at - 1]!;
      at--;
    }
    best[at] = item;
  }
  return best;
}
