import type { Neighbours } from '../baselines/index.js';
import { topK } from '../eval/index.js';
import {
  checkFeedRequest,
  type FeedItem,
  type FeedPipeline,
  type FeedRequest,
  type FeedResult,
  type StageCost,
  timeStage,
} from '../feed/index.js';
import type { RewardModel } from '../reward/index.js';
import type { AnnIndex } from './ann-index.js';
import { AnnRecall } from './ann-recall.js';
import { capPerAuthor } from './author-cap.js';
import { CandidatePool } from './candidate-pool.js';
import type { CascadeConfig } from './cascade-config.js';
import type { Catalogue } from './catalogue.js';
import { FreshRecall } from './fresh-recall.js';
import { dot, type ItemEmbeddings, userVector } from './item-vectors.js';
import { ItemKnnRecall } from './itemknn-recall.js';
import { PopularRecall } from './popular-recall.js';
import { numPrerankFeatures, type PrerankExample } from './prerank-model.js';
import type { RecallSource } from './recall-source.js';
import { RewardRanker } from './reward-ranker.js';
import type { TargetAttentionModel } from './target-attention-model.js';
import { TargetAttentionRanker } from './target-attention-ranker.js';
import type { TwoTowerModel } from './two-tower-model.js';
import { TwoTowerPrerank } from './two-tower-prerank.js';

/** What a cascade was built from (kept in its model directory). */
export interface CascadeInfo {
  users: number;
  interactions: number;
  /** Interactions dropped because their item is not in the catalogue. */
  skippedInteractions: number;
  /** Held-out requests the pre-rank weights were fitted on (0: default weights). */
  prerankExamples: number;
  /** ISO time of the build. */
  built: string;
}

/** Everything a cascade is made of; `buildCascade` fits it, `loadCascade` reads it back. */
export interface CascadeParts {
  config: CascadeConfig;
  catalogue: Catalogue;
  /** Item-kNN neighbourhoods (cosine with shrinkage, `baselines`). */
  neighbours: Neighbours;
  /** Item embeddings of the pre-rank model and the ANN index. */
  embeddings: ItemEmbeddings;
  ann: AnnIndex;
  /** Recent-window consumption counts of the popular source. */
  popularCounts: Float32Array;
  /** The pre-rank model's weights over its features (prerank-model.ts). */
  prerankWeights: Float32Array;
  /** The two-tower pre-rank and its item vectors [numItems, dim] (config.prerankModel 'two-tower'). */
  twoTower?: { model: TwoTowerModel; itemVectors: Float32Array };
  /** The rank stage's model with config.rankModel 'reward'; absent: the pre-rank score ranks. */
  reward?: RewardModel;
  /** The rank stage's model with config.rankModel 'target-attention'. */
  rankModel?: TargetAttentionModel;
  info: CascadeInfo;
}

/** The funnel's output for one request, in dense item indices. */
export interface RankedList {
  items: Int32Array;
  scores: Float32Array;
  /** Per item: recall score, pre-rank score, rank score and the recall source's name. */
  details: Array<{ recall: number; prerank: number; rank: number; source: string }>;
  stages: Record<string, StageCost>;
}

/**
 * The classic funnel (issue 6, "Pipelines"): recall from item-kNN, ANN over
 * item embeddings, popular and fresh sources with per-source quotas, merged and
 * deduplicated -> pre-rank by a dot-product model -> rank by the reward model's
 * fused score -> filters (exclusions, hidden items, author cap). Each stage is
 * timed with `timeStage`. One instance serves requests one at a time (its
 * scratch buffers are reused; Node runs `recommend` to completion).
 */
export class Cascade implements FeedPipeline {
  readonly name = 'cascade';
  readonly modelVersion?: string;
  /** The classic funnel is what the generative feed is measured against. */
  readonly baseline = true;
  readonly parts: CascadeParts;
  readonly sources: readonly RecallSource[];
  readonly itemKnn: ItemKnnRecall;
  readonly popular: PopularRecall;
  readonly fresh: FreshRecall;
  readonly #ranker: RewardRanker | TargetAttentionRanker | undefined;
  readonly #twoTower: TwoTowerPrerank | undefined;
  readonly #quotas: number[];
  readonly #blocked: Uint8Array;
  readonly #pool: CandidatePool;
  readonly #user: Float32Array;
  readonly #window: { historyWindow: number; decay: number };

  constructor(parts: CascadeParts, options: { modelVersion?: string } = {}) {
    this.parts = parts;
    if (options.modelVersion !== undefined) this.modelVersion = options.modelVersion;
    const { config, catalogue } = parts;
    const window = { historyWindow: config.historyWindow, decay: config.historyDecay };
    this.#window = window;
    this.itemKnn = new ItemKnnRecall(parts.neighbours, window);
    this.popular = new PopularRecall(parts.popularCounts);
    this.fresh = new FreshRecall(catalogue.uploadedAt, config.freshHalfLifeHours * 3_600_000);
    this.sources = [this.itemKnn, new AnnRecall(parts.ann), this.popular, this.fresh];
    const { itemknn, ann, popular, fresh } = config.quotas;
    this.#quotas = [itemknn, ann, popular, fresh];
    if (config.rankModel === 'target-attention') {
      if (!parts.rankModel)
        throw new RangeError("rankModel 'target-attention' needs a trained target-attention model");
      this.#ranker = new TargetAttentionRanker(parts.rankModel, catalogue);
    } else {
      this.#ranker = parts.reward && new RewardRanker(parts.reward, catalogue, config.rewardFusion);
    }
    if (config.prerankModel === 'two-tower') {
      if (!parts.twoTower) throw new RangeError("prerankModel 'two-tower' needs a trained two-tower model");
      this.#twoTower = new TwoTowerPrerank(parts.twoTower.model, parts.twoTower.itemVectors);
    }
    this.#blocked = Uint8Array.from(catalogue.hidden);
    this.#pool = new CandidatePool(
      this.#quotas.reduce((sum, quota) => sum + quota, 0),
      this.#blocked,
    );
    this.#user = new Float32Array(parts.embeddings.dim);
  }

  get catalogue(): Catalogue {
    return this.parts.catalogue;
  }

  get config(): CascadeConfig {
    return this.parts.config;
  }

  /** True when a model ranks (the reward model or the target-attention ranker); false when the pre-rank score does. */
  get hasRewardModel(): boolean {
    return this.#ranker !== undefined;
  }

  recommend(request: FeedRequest): FeedResult {
    checkFeedRequest(request);
    const { catalogue } = this;
    // Id lookups count towards recall, building the response towards filter.
    const stages: Record<string, StageCost> = {};
    const { history, exclude } = timeStage(stages, 'recall', () => ({
      history: indicesOf(catalogue, request.history),
      exclude: indicesOf(catalogue, request.exclude),
    }));
    const ranked = this.rankIndices(history, request.n, exclude, request.now, stages);
    const items = timeStage(stages, 'filter', () =>
      Array.from(ranked.items, (item, k): FeedItem => {
        const detail = ranked.details[k]!;
        return {
          itemId: catalogue.ids[item]!,
          score: ranked.scores[k]!,
          scores: { recall: detail.recall, prerank: detail.prerank, rank: detail.rank },
          source: detail.source,
        };
      }),
    );
    return { items, stages };
  }

  /**
   * The funnel on dense indices (what `recommend` and the eval adapter share):
   * at most `n` distinct servable items, none in `exclude`, best first. Stage
   * costs are added to `stages`.
   */
  rankIndices(
    history: Int32Array,
    n: number,
    exclude: ArrayLike<number>,
    now: number,
    stages: Record<string, StageCost> = {},
  ): RankedList {
    if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`n must be an integer >= 0, got ${n}`);
    const { config, catalogue } = this.parts;
    const pool = this.#pool;
    const blocked = this.#blocked;
    return this.#withRequest(history, exclude, () => {
      const hasUser = timeStage(stages, 'recall', () => this.#recall(history, now));

      const kept = timeStage(stages, 'prerank', () => {
        const prerank = this.#twoTower
          ? this.#twoTower.scores(pool.items.subarray(0, pool.size), history)
          : this.#prerankScores(this.#features(hasUser, now));
        return { order: bestFirst(prerank, Math.min(config.prerankSize, pool.size)), prerank };
      });

      const rankScores = timeStage(stages, 'rank', () => {
        const { order, prerank } = kept;
        if (this.#ranker === undefined || order.length === 0) return order.map((k) => prerank[k]!);
        const candidates = Int32Array.from(order, (k) => pool.items[k]!);
        return Array.from(this.#ranker.score(candidates, history, now));
      });

      return timeStage(stages, 'filter', () => {
        const { order, prerank } = kept;
        const byRank = bestFirst(Float32Array.from(rankScores), order.length);
        // Recall admitted only unblocked items; the filter asserts it again against
        // the mask (the request's exclusions, consumed and hidden items).
        const allowed = byRank.filter((r) => blocked[pool.items[order[r]!]!] === 0);
        const items = allowed.map((r) => pool.items[order[r]!]!);
        const picked = capPerAuthor(items, (item) => catalogue.author[item]!, config.authorCap, n);
        return {
          items: Int32Array.from(picked, (p) => items[p]!),
          scores: Float32Array.from(picked, (p) => rankScores[allowed[p]!]!),
          details: picked.map((p) => {
            const k = order[allowed[p]!]!;
            return {
              recall: pool.recallScores[k]!,
              prerank: prerank[k]!,
              rank: rankScores[allowed[p]!]!,
              source: this.sources[pool.sources[k]!]!.name,
            };
          }),
          stages,
        };
      });
    });
  }

  /**
   * A pre-rank training example: the recall stage for `history`, and the
   * candidates' features with the row of `target`; null when recall missed it.
   */
  prerankExample(history: Int32Array, target: number, now: number): PrerankExample | null {
    return this.#withRequest(history, [], () => {
      const hasUser = this.#recall(history, now);
      const pool = this.#pool;
      const row = pool.items.subarray(0, pool.size).indexOf(target);
      return row < 0 ? null : { features: this.#features(hasUser, now), target: row };
    });
  }

  /** Blocks the request's exclusions (and history), runs `work`, then restores the scratch state. */
  #withRequest<T>(history: Int32Array, exclude: ArrayLike<number>, work: () => T): T {
    const blocked = this.#blocked;
    const marked: number[] = [];
    const block = (item: number) => {
      if (blocked[item] === 0) {
        blocked[item] = 1;
        marked.push(item);
      }
    };
    try {
      for (let k = 0; k < exclude.length; k++) block(exclude[k]!);
      if (this.parts.config.excludeHistory) for (const item of history) block(item);
      return work();
    } finally {
      for (const item of marked) blocked[item] = this.parts.catalogue.hidden[item]!;
      this.#pool.clear();
      this.itemKnn.reset();
    }
  }

  /** Fills the pool from every source by its quota; returns whether the user has a taste vector. */
  #recall(history: Int32Array, now: number): boolean {
    this.itemKnn.accumulate(history);
    const hasVector = userVector(this.parts.embeddings, history, this.#window, this.#user);
    const query = { history, userVector: hasVector ? this.#user : null, now };
    this.sources.forEach((source, index) => {
      source.recall(query, this.#quotas[index]!, this.#pool, index);
    });
    return hasVector;
  }

  /** [pool size, F] pre-rank features of the pooled candidates (see prerank-model.ts). */
  #features(hasUser: boolean, now: number): Float32Array {
    const pool = this.#pool;
    const F = numPrerankFeatures;
    const features = new Float32Array(pool.size * F);
    const knnMax = this.itemKnn.maxScore;
    for (let k = 0; k < pool.size; k++) {
      const item = pool.items[k]!;
      const knn = this.itemKnn.scoreOf(item);
      features[k * F] = knnMax > 0 ? knn / knnMax : 0;
      features[k * F + 1] = Math.log1p(knn);
      features[k * F + 2] = hasUser ? dot(this.parts.embeddings, item, this.#user) : 0;
      features[k * F + 3] = this.popular.shares[item]!;
      features[k * F + 4] = this.fresh.freshness(item, now);
    }
    return features;
  }

  #prerankScores(features: Float32Array): Float32Array {
    const weights = this.parts.prerankWeights;
    const F = numPrerankFeatures;
    const scores = new Float32Array(features.length / F);
    for (let k = 0; k < scores.length; k++) {
      let sum = 0;
      for (let f = 0; f < F; f++) sum += weights[f]! * features[k * F + f]!;
      scores[k] = sum;
    }
    return scores;
  }

  /** Items similar to one item (item-kNN neighbours, then ANN neighbours), best first; undefined for an unknown item. */
  similar(itemId: string, n: number): Array<{ itemId: string; score: number; source: string }> | undefined {
    const { catalogue, embeddings, ann } = this.parts;
    const item = catalogue.indexOf(itemId);
    if (item < 0) return undefined;
    const out: Array<{ itemId: string; score: number; source: string }> = [];
    const seen = new Set<number>([item]);
    const push = (other: number, score: number, source: string) => {
      if (out.length < n && !seen.has(other) && catalogue.hidden[other] === 0) {
        seen.add(other);
        out.push({ itemId: catalogue.ids[other]!, score, source });
      }
    };
    const knn = this.itemKnn.similar(item, n + 1);
    knn.items.forEach((other, k) => {
      push(other, knn.scores[k]!, 'itemknn');
    });
    if (out.length < n) {
      const query = embeddings.vectors.subarray(item * embeddings.dim, (item + 1) * embeddings.dim);
      const found = ann.search(query, n + 1);
      found.items.forEach((other, k) => {
        push(other, found.similarities[k]!, 'ann');
      });
    }
    return out;
  }
}

/** Dense indices of the ids the catalogue holds (others, e.g. items uploaded since the build, are dropped). */
export function indicesOf(catalogue: Catalogue, ids: Iterable<string>): Int32Array {
  const out: number[] = [];
  for (const id of ids) {
    const index = catalogue.indexOf(id);
    if (index >= 0) out.push(index);
  }
  return Int32Array.from(out);
}

/** Positions of the `k` largest values, best first (ties: lower position first). */
function bestFirst(values: Float32Array, k: number): number[] {
  return k > 0 ? Array.from(topK(values, k)) : [];
}
