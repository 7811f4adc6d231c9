import { ConflictError, InvalidInputError, type Logger, silentLogger } from '../../core/index.js';
import {
  type FeedItem,
  type FeedPipeline,
  type FeedRequest,
  type FeedResult,
  type StageCost,
  timeStage,
} from '../../feed/index.js';
import {
  beamSearch,
  ExcludeItemsProcessor,
  GenerativeRecommender,
  type LogitsProcessor,
  PrefixConstraintProcessor,
  type SavedModel,
} from '../../generative/index.js';
import {
  batchOfCandidates,
  formulaScores,
  headNames,
  type ItemSide,
  type RewardModel,
  scoreCandidates,
} from '../../reward/index.js';
import type { ItemRecord } from '../../storage/index.js';
import type { SemanticTokenizer } from '../../tokenizer/index.js';
import type { SimilarItem } from '../feed-source.js';
import { ContentIndex } from './content-index.js';
import { nearestRows } from './nearest-rows.js';

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
  logger?: Logger;
}

/** What happened to the catalogue items a pipeline was given. */
export interface ColdStartSummary {
  /** Items that got a semantic ID now: they can be generated. */
  placed: Array<{ itemId: string; semanticId: number[]; collided: boolean }>;
  /** Items that could not be placed (no content shared with a trained item, or a full path), with why. */
  unplaced: Array<{ itemId: string; reason: string }>;
}

/**
 * The generative feed (OneRec / TIGER): the user's history as semantic-ID
 * tokens, trie-constrained beam search over the model's vocabulary with every
 * excluded item's subtree masked, then a filter that keeps the first `n`
 * distinct real items. Stages: `encode`, `beam`, `filter`; with a reward model
 * (`options.reward`) a `rerank` stage orders the beam's distinct items by its
 * fused score and keeps the first `n`.
 *
 * Cold start: catalogue items the model was not trained on get a semantic ID
 * through the model's own codebooks. Their vector in the codebook space is the
 * similarity-weighted mean of the reconstructions (sum of the chosen centroids)
 * of their nearest trained items by content (shared tags, hashtags, categories,
 * author, caption words), and `tokenizer.assign` takes the nearest centroid per
 * level and the next free disambiguation index of that path, extending the
 * trie: no retraining. This works whatever vectors the codebooks were fitted on
 * (collaborative by default), since the mapping goes through trained items.
 */
export class GenerativePipeline implements FeedPipeline {
  readonly name = 'generative';
  readonly modelVersion?: string;
  readonly #model: GenerativeRecommender;
  readonly #tokenizer: SemanticTokenizer;
  readonly #itemIds: string[];
  readonly #index: Map<string, number>;
  /** Items the model knows but the catalogue does not (deleted, another data set): never generated. */
  readonly #absent: Set<number>;
  /** [items, depth] decoder tokens of every known item, grown by cold start. */
  #itemTokens: Int32Array;
  /** Trained items: those the model's item-id embedding (if any) covers. */
  readonly #trainedCount: number;
  readonly #beamWidth: number;
  readonly #maxItems: number;
  readonly #usesItemEmbedding: boolean;
  readonly #neighbours: number;
  readonly #logger: Logger;
  /** Content features of every known item, by model index: how cold-start items find trained neighbours. */
  readonly #content: ContentIndex;
  #absentProcessor: ExcludeItemsProcessor | undefined;
  readonly #reward: RewardModel | undefined;
  readonly #rewardFusion: 'learned' | 'formula';
  /** The reward model's item side in model order (authors and categories by first appearance, as `itemSideOfLog`). */
  readonly #rewardSide: ItemSide | undefined;
  /** Reconstructed codebook-space vectors, L2-normalised, [items, dim]; built on the first `similar`. */
  #vectors: Float32Array | undefined;

  private constructor(
    saved: SavedModel,
    catalogue: readonly ItemRecord[],
    options: GenerativePipelineOptions,
    content?: ContentIndex,
  ) {
    if (!(saved.recommender instanceof GenerativeRecommender))
      throw new InvalidInputError(
        `Cannot build the generative pipeline: the model directory holds a "${saved.manifest.model}" model`,
      );
    this.#model = saved.recommender;
    this.#tokenizer = this.#model.tokenizer;
    if (options.modelVersion !== undefined) this.modelVersion = options.modelVersion;
    this.#itemIds = [...saved.itemIds];
    if (this.#tokenizer.itemCount !== this.#itemIds.length)
      throw new InvalidInputError(
        `Cannot build the generative pipeline: the tokenizer has ${this.#tokenizer.itemCount} items, items.json ${this.#itemIds.length}`,
      );
    this.#index = new Map(this.#itemIds.map((id, item) => [id, item]));
    this.#trainedCount = this.#itemIds.length;
    const params = this.#model.params;
    this.#beamWidth = options.beamWidth ?? params.beamWidth ?? 20;
    this.#maxItems = params.maxItems ?? 50;
    this.#usesItemEmbedding = (params.itemEmbedding ?? 0) > 0;
    this.#neighbours = options.coldStartNeighbours ?? 10;
    this.#logger = options.logger ?? silentLogger;
    const depth = this.#tokenizer.depth;
    this.#itemTokens = new Int32Array(this.#trainedCount * depth);
    for (let item = 0; item < this.#trainedCount; item++)
      this.#itemTokens.set(this.#tokenizer.tokens(item), item * depth);
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
      this.#rewardSide = rewardSideOf(records, options.reward);
    }
    this.#refreshAbsent();
  }

  /**
   * A pipeline over a loaded model directory and the catalogue it serves; the
   * catalogue's items the model does not know go through cold start.
   */
  static build(
    saved: SavedModel,
    catalogue: readonly ItemRecord[],
    options: GenerativePipelineOptions = {},
  ): { pipeline: GenerativePipeline; coldStart: ColdStartSummary } {
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
    catalogue: readonly ItemRecord[],
    options: GenerativePipelineOptions = {},
  ): Promise<{ pipeline: GenerativePipeline; coldStart: ColdStartSummary }> {
    const content = await ContentIndex.build(trainedRecords(saved.itemIds, catalogue));
    const pipeline = new GenerativePipeline(saved, catalogue, options, content);
    const coldStart = pipeline.addItems(catalogue);
    return { pipeline, coldStart };
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
    return item === undefined ? undefined : Array.from(this.#tokenizer.semanticId(item));
  }

  /**
   * Cold start for catalogue items the model does not know yet (already known
   * ones are skipped; hidden ones too, they are never served). An item whose
   * codes land on a path trained items already use (`collided`) is told apart by
   * its disambiguation index alone, one the decoder may rarely have been trained
   * to emit there, so it ranks below its path-mates until a retrain; a path
   * already holding the tokenizer's disambiguation capacity rejects it (then it
   * reaches users only through the cold-start pipeline's fresh source).
   */
  addItems(records: readonly ItemRecord[]): ColdStartSummary {
    const summary: ColdStartSummary = { placed: [], unplaced: [] };
    // Upload order (then id): servers that see the same items assign them the same disambiguation indices.
    const fresh = records
      .filter((record) => !record.hidden && !this.#index.has(record.id))
      .sort(
        (a, b) =>
          (a.uploadTime ?? Number.POSITIVE_INFINITY) - (b.uploadTime ?? Number.POSITIVE_INFINITY) ||
          (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      );
    const known = records.filter((record) => this.#index.has(record.id));
    for (const record of known) {
      const item = this.#index.get(record.id)!;
      if (this.#absent.delete(item)) this.#absentProcessor = undefined;
    }
    if (fresh.length === 0) {
      if (this.#absentProcessor === undefined) this.#refreshAbsent();
      return summary;
    }
    const content = this.#content;
    const { levels, dim } = this.#tokenizer;
    for (const record of fresh) {
      const neighbours = content
        .neighbours(record, this.#neighbours)
        .filter(({ index }) => index < this.#trainedCount);
      if (neighbours.length === 0) {
        summary.unplaced.push({ itemId: record.id, reason: 'shares no content feature with a trained item' });
        continue;
      }
      const vector = new Float32Array(dim);
      let total = 0;
      for (const { index, similarity } of neighbours) {
        const reconstruction = this.#tokenizer.decode(this.#tokenizer.semanticId(index).subarray(0, levels));
        for (let j = 0; j < dim; j++) vector[j]! += similarity * reconstruction[j]!;
        total += similarity;
      }
      for (let j = 0; j < dim; j++) vector[j]! /= total;
      let assignment: ReturnType<SemanticTokenizer['assign']>;
      try {
        assignment = this.#tokenizer.assign(vector);
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        summary.unplaced.push({ itemId: record.id, reason: error.message });
        continue;
      }
      const item = assignment.item;
      this.#itemIds.push(record.id);
      this.#index.set(record.id, item);
      content.add(record);
      this.#growTokens(item);
      summary.placed.push({
        itemId: record.id,
        semanticId: Array.from(assignment.semanticId),
        collided: assignment.semanticId[levels]! > 0,
      });
    }
    this.#vectors = undefined;
    this.#refreshAbsent();
    if (summary.placed.length + summary.unplaced.length > 0)
      this.#logger.info(
        `generative: cold start placed ${summary.placed.length} new item(s) (${summary.placed.filter((p) => p.collided).length} on a used path), ${summary.unplaced.length} unplaced`,
      );
    return summary;
  }

  recommend(request: FeedRequest): FeedResult {
    const stages: Record<string, StageCost> = {};
    const { history, excluded } = timeStage(stages, 'encode', () => this.#encode(request));
    const processors: LogitsProcessor[] = [
      new PrefixConstraintProcessor(this.#tokenizer.trie, this.#tokenizer.vocabulary),
    ];
    if (this.#absentProcessor !== undefined) processors.push(this.#absentProcessor);
    if (excluded.length > 0) processors.push(new ExcludeItemsProcessor(this.#tokenizer, excluded));
    const depth = this.#tokenizer.depth;
    const found = timeStage(stages, 'beam', () =>
      beamSearch(this.#model.model.decoder(history, this.#itemTokens), {
        beamWidth: Math.max(request.n, this.#beamWidth),
        steps: depth,
        processors,
      }),
    );
    const candidates = timeStage(stages, 'filter', () => {
      const out: Array<{ item: number; beam: number }> = [];
      const seen = new Set<number>();
      const vocabulary = this.#tokenizer.vocabulary;
      const keep = this.#reward === undefined ? request.n : found.scores.length;
      for (let beam = 0; beam < found.scores.length && out.length < keep; beam++) {
        const semanticId = vocabulary.semanticId(found.tokens.subarray(beam * depth, (beam + 1) * depth));
        const item = this.#tokenizer.itemOf(semanticId);
        if (item === undefined || this.#absent.has(item) || seen.has(item)) continue;
        if (request.exclude.has(this.#itemIds[item]!)) continue;
        seen.add(item);
        out.push({ item, beam: found.scores[beam]! });
      }
      return out;
    });
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
    const vectors = this.#reconstructions();
    return nearestRows(vectors, this.#tokenizer.dim, item, n + this.#absent.size)
      .filter(({ row }) => !this.#absent.has(row))
      .slice(0, n)
      .map(({ row, score }) => ({ itemId: this.#itemIds[row]!, score }));
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

  #encode(request: FeedRequest): { history: Int32Array; excluded: number[] } {
    const indices: number[] = [];
    for (const id of request.history) {
      const item = this.#index.get(id);
      // The item-id embedding covers trained items only; cold ones are left out of its input.
      if (item !== undefined && !(this.#usesItemEmbedding && item >= this.#trainedCount)) indices.push(item);
    }
    const history = Int32Array.from(indices.slice(-this.#maxItems));
    const excluded = new Set<number>(indices);
    for (const id of request.exclude) {
      const item = this.#index.get(id);
      if (item !== undefined) excluded.add(item);
    }
    return { history, excluded: [...excluded] };
  }

  #growTokens(item: number): void {
    const depth = this.#tokenizer.depth;
    if ((item + 1) * depth > this.#itemTokens.length) {
      const grown = new Int32Array(Math.max(this.#itemTokens.length * 2, (item + 1) * depth));
      grown.set(this.#itemTokens);
      this.#itemTokens = grown;
    }
    this.#itemTokens.set(this.#tokenizer.tokens(item), item * depth);
  }

  /** One processor masking absent items, rebuilt whenever the trie grows (its subtree counts would go stale). */
  #refreshAbsent(): void {
    this.#absentProcessor =
      this.#absent.size === 0 ? undefined : new ExcludeItemsProcessor(this.#tokenizer, this.#absent);
  }

  #reconstructions(): Float32Array {
    if (this.#vectors === undefined) {
      const { dim, levels } = this.#tokenizer;
      const count = this.#itemIds.length;
      const vectors = new Float32Array(count * dim);
      for (let item = 0; item < count; item++) {
        const row = this.#tokenizer.decode(this.#tokenizer.semanticId(item).subarray(0, levels));
        let norm = 0;
        for (let j = 0; j < dim; j++) norm += row[j]! * row[j]!;
        const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
        for (let j = 0; j < dim; j++) vectors[item * dim + j] = row[j]! * scale;
      }
      this.#vectors = vectors;
    }
    return this.#vectors;
  }
}

/** The catalogue records of the model's items in model order (empty ones for items the catalogue lacks). */
function trainedRecords(itemIds: readonly string[], catalogue: readonly ItemRecord[]): ItemRecord[] {
  const byId = new Map(catalogue.map((record) => [record.id, record]));
  return itemIds.map((id) => byId.get(id) ?? emptyRecord(id));
}

/**
 * The reward model's item side over the model's items: authors and first
 * categories numbered by first appearance in model order (how `itemSideOfLog`
 * numbers them for training, the model order being the store's item order),
 * -1 beyond what the reward model has embeddings for.
 */
function rewardSideOf(records: readonly ItemRecord[], model: RewardModel): ItemSide {
  const { numItems, numAuthors, numCategories } = model.config;
  const number = (map: Map<string, number>, key: string | undefined) => {
    if (key === undefined) return -1;
    let value = map.get(key);
    if (value === undefined) {
      value = map.size;
      map.set(key, value);
    }
    return value;
  };
  const authors = new Map<string, number>();
  const categories = new Map<string, number>();
  const author = new Int32Array(numItems).fill(-1);
  const category = new Int32Array(numItems).fill(-1);
  const durationMs = new Float32Array(numItems);
  records.forEach((record, item) => {
    if (item >= numItems) return;
    const a = number(authors, record.author);
    const c = number(categories, record.categories[0]);
    author[item] = a < numAuthors ? a : -1;
    category[item] = c < numCategories ? c : -1;
    durationMs[item] = record.durationMs ?? 0;
  });
  return { numItems, numAuthors, numCategories, author, category, durationMs };
}

/** A trained item the catalogue lacks: no content features. */
function emptyRecord(id: string): ItemRecord {
  return { id, hashtags: [], categories: [], tags: [], aiGenerated: false, hidden: false, updatedAt: 0 };
}
