import { ConflictError, InvalidInputError, type Logger, silentLogger } from '../../core/index.js';
import {
  type CatalogueRecord,
  type ColdStartSummary,
  checkFeedRequest,
  type FeedItem,
  type FeedPipeline,
  type FeedRequest,
  type FeedResult,
  type SimilarItem,
  type StageCost,
  timeStage,
} from '../../feed/index.js';
import { GenerativeRecommender, type SavedModel } from '../../generative/index.js';
import {
  batchOfCandidates,
  formulaScores,
  headNames,
  type ItemSide,
  itemSideOfRecords,
  type RewardModel,
  scoreCandidates,
} from '../../reward/index.js';
import { ContentIndex } from './content-index.js';

export type { ColdStartSummary };

/** `ColdStartSummary` with what the generative model gives every placed item. */
export interface GenerativeColdStart extends ColdStartSummary {
  placed: Array<{ itemId: string; semanticId: number[]; collided: boolean }>;
}

export interface GenerativePipelineOptions {
  /** `name@version`, logged with every feed. */
  modelVersion?: string;
  /** Beams kept per step (at least the n asked for). Default: the model's `beamWidth` param. */
  beamWidth?: number;
  /** Content neighbours averaged to place a cold-start item (default 10). */
  coldStartNeighbours?: number;
  /**
   * A learned reward model (docs/reward.md, trained on the same catalogue
   * order) that re-orders the generated candidates: the beam proposes
   * `beamWidth` items, the reward model's fused score orders them (stage
   * `rerank`). Without one the beam's log-probability orders the feed.
   */
  reward?: RewardModel;
  /** With `reward`: its learned fusion (default) or the fixed formula over its heads. */
  rewardFusion?: 'learned' | 'formula';
  /**
   * Feeds `load` builds and drops before it returns the pipeline (default 20,
   * 0: none), on made-up histories of the catalogue's items up to the model's
   * window: V8 compiles the beam's and the ID models' hot loops over the first
   * calls, which run 2-4x slower (docs/generative.md, "Latency at serving"),
   * so no user's request pays for them.
   */
  warmUpCalls?: number;
  logger?: Logger;
}

/** `GenerativePipelineOptions.warmUpCalls`'s default. */
export const GENERATIVE_WARM_UP_CALLS = 20;

/**
 * The generative feed (OneRec / TIGER): the user's history and exclusions as
 * model indices, then the recommender's trie-constrained beam search
 * (`GenerativeRecommender.generate`), which never yields an excluded item or
 * one the catalogue lacks. Stages: `encode`, `beam`, `filter`; with a reward
 * model (`options.reward`) a `rerank` stage orders the beam's items by its
 * fused score and keeps the first `n`.
 *
 * Cold start: catalogue items the model was not trained on are placed by the
 * recommender (`addItem`) near their nearest trained items by content (shared
 * tags, hashtags, categories, author, caption words): no retraining.
 * The pipeline owns its loaded model: it withholds the items its catalogue
 * lacks and grows the model's items by cold start.
 */
export class GenerativePipeline implements FeedPipeline {
  readonly name = 'generative';
  readonly modelVersion?: string;
  readonly #model: GenerativeRecommender;
  readonly #itemIds: string[];
  readonly #index: Map<string, number>;
  /** Items the model knows but the catalogue does not (deleted, another data set): never generated. */
  readonly #absent: Set<number>;
  /** Trained items: those the reward model and the item embedding (if any) cover. */
  readonly #trainedCount: number;
  readonly #beamWidth: number;
  readonly #neighbours: number;
  readonly #logger: Logger;
  /** Content features of every known item, by model index: how cold-start items find trained neighbours. */
  readonly #content: ContentIndex;
  readonly #reward: RewardModel | undefined;
  readonly #rewardFusion: 'learned' | 'formula';
  /** The reward model's item side in model order (numbered as in training, `itemSideOfRecords`). */
  readonly #rewardSide: ItemSide | undefined;

  private constructor(
    saved: SavedModel,
    catalogue: readonly CatalogueRecord[],
    options: GenerativePipelineOptions,
    content?: ContentIndex,
  ) {
    if (!(saved.recommender instanceof GenerativeRecommender))
      throw new InvalidInputError(
        `Cannot build the generative pipeline: the model directory holds a "${saved.manifest.model}" model`,
      );
    this.#model = saved.recommender;
    if (options.modelVersion !== undefined) this.modelVersion = options.modelVersion;
    this.#itemIds = [...saved.itemIds];
    const itemCount = this.#model.tokenizer.itemCount;
    if (itemCount !== this.#itemIds.length)
      throw new InvalidInputError(
        `Cannot build the generative pipeline: the tokenizer has ${itemCount} items, items.json ${this.#itemIds.length}`,
      );
    this.#index = new Map(this.#itemIds.map((id, item) => [id, item]));
    this.#trainedCount = this.#itemIds.length;
    this.#beamWidth = options.beamWidth ?? Number(this.#model.params.beamWidth ?? 20);
    this.#neighbours = options.coldStartNeighbours ?? 10;
    this.#logger = options.logger ?? silentLogger;
    const inCatalogue = new Set(catalogue.map((record) => record.id));
    this.#absent = new Set();
    if (catalogue.length > 0)
      this.#itemIds.forEach((id, item) => {
        if (!inCatalogue.has(id)) this.#absent.add(item);
      });
    if (catalogue.length > 0 && this.#absent.size === this.#itemIds.length)
      throw new InvalidInputError(
        `Cannot build the generative pipeline${this.modelVersion ? ` (${this.modelVersion})` : ''}: none of its ${this.#itemIds.length} items is in the catalogue of ${catalogue.length} (trained on another catalogue?)`,
      );
    const records = trainedRecords(saved.itemIds, catalogue);
    this.#content = content ?? new ContentIndex(records);
    this.#reward = options.reward;
    this.#rewardFusion = options.rewardFusion ?? 'learned';
    if (options.reward !== undefined) {
      if (options.reward.config.numItems < this.#trainedCount)
        throw new InvalidInputError(
          `Cannot build the generative pipeline: its reward model knows ${options.reward.config.numItems} items, the generative model ${this.#trainedCount} (train both on one store snapshot)`,
        );
      this.#rewardSide = itemSideOfRecords(records, options.reward.config);
    }
    this.#model.withhold(this.#absent);
  }

  /**
   * A pipeline over a loaded model directory and the catalogue it serves; the
   * catalogue's items the model does not know go through cold start.
   */
  static build(
    saved: SavedModel,
    catalogue: readonly CatalogueRecord[],
    options: GenerativePipelineOptions = {},
  ): { pipeline: GenerativePipeline; coldStart: GenerativeColdStart } {
    const pipeline = new GenerativePipeline(saved, catalogue, options);
    const coldStart = pipeline.addItems(catalogue);
    return { pipeline, coldStart };
  }

  /**
   * `build` for a server: the content index (the slow part on a large
   * catalogue) is built in chunks between which requests are served.
   */
  static async load(
    saved: SavedModel,
    catalogue: readonly CatalogueRecord[],
    options: GenerativePipelineOptions = {},
  ): Promise<{ pipeline: GenerativePipeline; coldStart: GenerativeColdStart }> {
    const content = await ContentIndex.build(trainedRecords(saved.itemIds, catalogue));
    const pipeline = new GenerativePipeline(saved, catalogue, options, content);
    const coldStart = pipeline.addItems(catalogue);
    await pipeline.warmUp(options.warmUpCalls ?? GENERATIVE_WARM_UP_CALLS);
    return { pipeline, coldStart };
  }

  /**
   * `calls` feeds of 10 items on made-up histories (servable items spread over
   * the catalogue, lengths from 1 to the model's window), results dropped,
   * yielding to the event loop between them so a serving process answers
   * requests meanwhile. Returns the milliseconds each took.
   */
  async warmUp(calls: number): Promise<number[]> {
    const servable = this.#itemIds.filter((_, item) => !this.#absent.has(item));
    const window = Number(this.#model.params.maxItems ?? 50);
    const times: number[] = [];
    if (servable.length === 0) return times;
    for (let call = 0; call < calls; call++) {
      const length = 1 + ((call * 13) % window);
      const history = Array.from(
        { length },
        (_, i) => servable[(call * 7919 + i * 104729) % servable.length]!,
      );
      const started = performance.now();
      this.recommend({ userId: 'warm-up', n: 10, history, exclude: new Set(), now: Date.now() });
      times.push(performance.now() - started);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (calls > 0)
      this.#logger.debug(
        `generative${this.modelVersion ? ` ${this.modelVersion}` : ''}: ${calls} warm-up feeds, first ${times[0]!.toFixed(1)} ms, last ${times.at(-1)!.toFixed(1)} ms`,
      );
    return times;
  }

  /** Items the pipeline can generate (trained and placed cold-start items, less absent ones). */
  get itemCount(): number {
    return this.#itemIds.length - this.#absent.size;
  }

  /** Whether `itemId` can be generated. */
  knows(itemId: string): boolean {
    const item = this.#index.get(itemId);
    return item !== undefined && !this.#absent.has(item);
  }

  /** The semantic ID of a known item. */
  semanticIdOf(itemId: string): number[] | undefined {
    const item = this.#index.get(itemId);
    return item === undefined ? undefined : Array.from(this.#model.tokenizer.semanticId(item));
  }

  /**
   * Cold start for catalogue items the model does not know yet (already known
   * ones are skipped; hidden ones too, they are never served): each is placed
   * by the recommender (`addItem`) near its content neighbours among the
   * trained items. A path already holding the tokenizer's disambiguation
   * capacity rejects it (then it reaches users only through the cold-start
   * pipeline's fresh source).
   */
  addItems(records: readonly CatalogueRecord[]): GenerativeColdStart {
    const summary: GenerativeColdStart = { placed: [], unplaced: [] };
    // Upload order (then id): servers that see the same items assign them the same disambiguation indices.
    const fresh = records
      .filter((record) => !record.hidden && !this.#index.has(record.id))
      .sort(
        (a, b) =>
          (a.uploadTime ?? Number.POSITIVE_INFINITY) - (b.uploadTime ?? Number.POSITIVE_INFINITY) ||
          (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      );
    let returned = false;
    for (const record of records) {
      const item = this.#index.get(record.id);
      if (item !== undefined && this.#absent.delete(item)) returned = true;
    }
    if (returned) this.#model.withhold(this.#absent);
    for (const record of fresh) {
      const neighbours = this.#content
        .neighbours(record, this.#neighbours)
        .filter(({ index }) => index < this.#trainedCount)
        .map(({ index, similarity }) => ({ item: index, similarity }));
      if (neighbours.length === 0) {
        summary.unplaced.push({ itemId: record.id, reason: 'shares no content feature with a trained item' });
        continue;
      }
      let placed: ReturnType<GenerativeRecommender['addItem']>;
      try {
        placed = this.#model.addItem(neighbours);
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        summary.unplaced.push({ itemId: record.id, reason: error.message });
        continue;
      }
      this.#itemIds.push(record.id);
      this.#index.set(record.id, placed.item);
      this.#content.add(record);
      summary.placed.push({
        itemId: record.id,
        semanticId: Array.from(placed.semanticId),
        collided: placed.collided,
      });
    }
    // Unplaceable items are offered again at every catalogue refresh (each minute): only a placement is news.
    const message = `generative: cold start placed ${summary.placed.length} new item(s) (${summary.placed.filter((p) => p.collided).length} on a used path), ${summary.unplaced.length} unplaced`;
    if (summary.placed.length > 0) this.#logger.info(message);
    else if (summary.unplaced.length > 0) this.#logger.debug(message);
    return summary;
  }

  recommend(request: FeedRequest): FeedResult {
    checkFeedRequest(request);
    const stages: Record<string, StageCost> = {};
    const { history, exclude } = timeStage(stages, 'encode', () => this.#encode(request));
    const beamWidth = Math.max(request.n, this.#beamWidth);
    // With a reward model every beam is a candidate for the rerank.
    const k = this.#reward === undefined ? request.n : beamWidth;
    const found = timeStage(stages, 'beam', () => this.#model.generate(history, { k, exclude, beamWidth }));
    const candidates = timeStage(stages, 'filter', () =>
      Array.from(found.items, (item, beam) => ({ item, beam: found.scores[beam]! })),
    );
    const source = (item: number) => (item < this.#trainedCount ? 'beam' : 'beam-cold');
    if (this.#reward === undefined) {
      const items = candidates.map(({ item, beam }) => ({
        itemId: this.#itemIds[item]!,
        score: beam,
        scores: { beam },
        source: source(item),
      }));
      return { items, stages };
    }
    const items = timeStage(stages, 'rerank', () => {
      const reward = this.#rewardScores(
        candidates.map(({ item }) => item),
        history,
        request.now,
      );
      const order = candidates.map((_, k) => k).sort((a, b) => reward[b]! - reward[a]! || a - b);
      return order.slice(0, request.n).map((k): FeedItem => {
        const { item, beam } = candidates[k]!;
        return {
          itemId: this.#itemIds[item]!,
          score: reward[k]!,
          scores: { beam, reward: reward[k]! },
          source: source(item),
        };
      });
    });
    return { items, stages };
  }

  /**
   * Items nearest to `itemId` by the cosine of their codebook-space
   * reconstructions (items sharing code prefixes first); undefined when the
   * model does not know the item.
   */
  similar(itemId: string, n: number): SimilarItem[] | undefined {
    const item = this.#index.get(itemId);
    if (item === undefined) return undefined;
    const { items, scores } = this.#model.similarItems(item, n);
    return Array.from(items, (other, k) => ({ itemId: this.#itemIds[other]!, score: scores[k]! }));
  }

  /**
   * The reward model's score of each candidate (model indices) for this
   * history and hour. Items it was not trained on (cold start) get the lowest
   * known score, so they follow the scored ones in their beam order.
   */
  #rewardScores(candidates: number[], history: Int32Array, now: number): Float32Array {
    const model = this.#reward!;
    const known = candidates.filter((item) => item < model.config.numItems);
    const out = new Float32Array(candidates.length);
    if (known.length === 0) return out;
    const request = {
      user: 0,
      history: history.filter((item) => item < model.config.numItems),
      hour: new Date(now).getUTCHours(),
    };
    const batch = batchOfCandidates(Int32Array.from(known), request, model.config.historyLength);
    const scores = scoreCandidates(model, batch, this.#rewardSide!);
    const fused =
      this.#rewardFusion === 'learned' ? scores.fused : formulaScores(scores.predictions, headNames);
    let floor = Number.POSITIVE_INFINITY;
    for (const value of fused) floor = Math.min(floor, value);
    let k = 0;
    candidates.forEach((item, i) => {
      out[i] = item < model.config.numItems ? fused[k++]! : floor - 1;
    });
    return out;
  }

  /** The request's history and exclusions (the history too) as model indices; unknown ids are dropped. */
  #encode(request: FeedRequest): { history: Int32Array; exclude: number[] } {
    const indices: number[] = [];
    for (const id of request.history) {
      const item = this.#index.get(id);
      if (item !== undefined) indices.push(item);
    }
    const exclude = new Set<number>(indices);
    for (const id of request.exclude) {
      const item = this.#index.get(id);
      if (item !== undefined) exclude.add(item);
    }
    return { history: Int32Array.from(indices), exclude: [...exclude] };
  }
}

/** The catalogue records of the model's items in model order (empty ones for items the catalogue lacks). */
function trainedRecords(
  itemIds: readonly string[],
  catalogue: readonly CatalogueRecord[],
): CatalogueRecord[] {
  const byId = new Map(catalogue.map((record) => [record.id, record]));
  return itemIds.map((id) => byId.get(id) ?? emptyRecord(id));
}

/** A trained item the catalogue lacks: no content features. */
function emptyRecord(id: string): CatalogueRecord {
  return { id, hashtags: [], categories: [], tags: [], hidden: false };
}
