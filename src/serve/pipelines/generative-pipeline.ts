import {
  type FeedItem,
  type FeedPipeline,
  type FeedRequest,
  type FeedResult,
  type StageCost,
  timeStage,
} from '../../cascade/index.js';
import { ConflictError, InvalidInputError, type Logger, silentLogger } from '../../core/index.js';
import {
  beamSearch,
  ExcludeItemsProcessor,
  GenerativeRecommender,
  type LogitsProcessor,
  PrefixConstraintProcessor,
  type SavedModel,
} from '../../generative/index.js';
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
 * distinct real items. Stages: `encode`, `beam`, `filter`.
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
    this.#content = content ?? new ContentIndex(trainedRecords(saved.itemIds, catalogue));
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
    const items = timeStage(stages, 'filter', () => {
      const out: FeedItem[] = [];
      const seen = new Set<string>();
      const vocabulary = this.#tokenizer.vocabulary;
      for (let beam = 0; beam < found.scores.length && out.length < request.n; beam++) {
        const semanticId = vocabulary.semanticId(found.tokens.subarray(beam * depth, (beam + 1) * depth));
        const item = this.#tokenizer.itemOf(semanticId);
        if (item === undefined || this.#absent.has(item)) continue;
        const itemId = this.#itemIds[item]!;
        if (seen.has(itemId) || request.exclude.has(itemId)) continue;
        seen.add(itemId);
        const score = found.scores[beam]!;
        out.push({
          itemId,
          score,
          scores: { beam: score },
          source: item < this.#trainedCount ? 'beam' : 'beam-cold',
        });
      }
      return out;
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

/** A trained item the catalogue lacks: no content features. */
function emptyRecord(id: string): ItemRecord {
  return { id, hashtags: [], categories: [], tags: [], aiGenerated: false, hidden: false, updatedAt: 0 };
}
