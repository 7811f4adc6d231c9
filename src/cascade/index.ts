/**
 * The cascade module's public door: the `FeedPipeline` contract every feed meets,
 * and the classic funnel (recall -> pre-rank -> rank -> filter) that serves as
 * the generative feed's comparison and fallback. See docs/cascade.md.
 *
 * What the server calls:
 * - `buildCascade({ items, interactions, reward? }, { settings?, skipUnknownItems?, modelVersion? }): Cascade`
 *   fits a cascade on a catalogue snapshot (`CatalogueItem[]`: id, author,
 *   uploadedAt, hidden, durationMs, category) and user -> item ids (oldest first).
 * - `cascade.recommend(request: FeedRequest): FeedResult` (`name = 'cascade'`;
 *   stages `recall`, `prerank`, `rank`, `filter`); `cascade.similar(itemId, n)`.
 * - `saveCascade(cascade, dir): Promise<void>` and
 *   `loadCascade(dir, { modelVersion? }): Promise<Cascade>`; a corrupt or foreign
 *   directory is an `InvalidInputError` naming the directory and the file.
 * - `coldStartFeed(cascade, request, { freshShare? }): FeedResult` (popular + fresh)
 *   and `coldStartPipeline(cascade)` (the same as a `FeedPipeline` named `coldstart`).
 * - `cascadeSpec` / `CascadeRecommender`: the cascade on the eval harness.
 * - Selectable stages (settings `prerankModel: 'two-tower'`, `rankModel:
 *   'target-attention'` with `impressions` to train on): `TwoTowerModel`,
 *   `TargetAttentionModel` and their trainers.
 */
export { AnnIndex, type AnnIndexOptions } from './ann-index.js';
export {
  type BuildCascadeInput,
  type BuildCascadeOptions,
  buildCascade,
  fitCascadeParts,
  fitTargetAttention,
} from './build-cascade.js';
export { Cascade, type CascadeInfo, type CascadeParts, type RankedList } from './cascade.js';
export {
  type CascadeConfig,
  type CascadeSettings,
  defaultCascadeConfig,
  maxRecallSize,
  resolveCascadeConfig,
} from './cascade-config.js';
export {
  CASCADE_DIRECTORY_FORMAT,
  CASCADE_DIRECTORY_VERSION,
  loadCascade,
  saveCascade,
} from './cascade-directory.js';
export { CascadeRecommender, cascadeSpec } from './cascade-recommender.js';
export { Catalogue, type CatalogueItem } from './catalogue.js';
export { type ColdStartOptions, coldStartFeed, coldStartPipeline } from './cold-start-feed.js';
export { type RewardFusion, RewardRanker } from './reward-ranker.js';
export {
  type RankItemSide,
  type TargetAttentionConfig,
  TargetAttentionModel,
} from './target-attention-model.js';
export { TargetAttentionRanker } from './target-attention-ranker.js';
export {
  impressionTargets,
  type TrainedTargetAttention,
  type TrainTargetAttentionOptions,
  trainTargetAttention,
} from './train-target-attention.js';
export { type TrainedTwoTower, type TrainTwoTowerOptions, trainTwoTower } from './train-two-tower.js';
export { type TwoTowerConfig, type TwoTowerItemSide, TwoTowerModel, userBatch } from './two-tower-model.js';
export { TwoTowerPrerank } from './two-tower-prerank.js';
