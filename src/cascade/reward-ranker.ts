import { InvalidInputError } from '../core/index.js';
import {
  batchOfCandidates,
  formulaScores,
  headNames,
  type ItemSide,
  type RewardModel,
  scoreCandidates,
} from '../reward/index.js';
import type { Catalogue } from './catalogue.js';

/** Which of the reward model's outputs ranks: the learned fusion or the fixed formula over its heads. */
export type RewardFusion = 'learned' | 'formula';

/**
 * The rank stage: the reward model (docs/reward.md) scores each pre-ranked
 * candidate's signals from the user's recent history, item, author, category,
 * duration and hour, and the candidates are ordered by the fused score. The
 * model's item index must be the catalogue's (both are built from one store
 * snapshot); authors and categories it has no embedding for count as unknown.
 */
export class RewardRanker {
  readonly side: ItemSide;

  constructor(
    readonly model: RewardModel,
    catalogue: Catalogue,
    readonly fusion: RewardFusion = 'learned',
  ) {
    const { config } = model;
    if (config.numItems < catalogue.size) {
      throw new InvalidInputError(
        `The reward model knows ${config.numItems} items, the catalogue has ${catalogue.size}: train it on this catalogue`,
      );
    }
    const known = (indices: Int32Array, count: number) =>
      indices.map((value) => (value < count ? value : -1));
    const pad = (values: Int32Array) => {
      const out = new Int32Array(config.numItems).fill(-1);
      out.set(values);
      return out;
    };
    const duration = new Float32Array(config.numItems);
    duration.set(catalogue.durationMs);
    this.side = {
      numItems: config.numItems,
      numAuthors: config.numAuthors,
      numCategories: config.numCategories,
      author: pad(known(catalogue.author, config.numAuthors)),
      category: pad(known(catalogue.category, config.numCategories)),
      durationMs: duration,
    };
  }

  /** [candidates] fused score of each candidate for this user at this time. */
  score(candidates: Int32Array, history: Int32Array, now: number): Float32Array {
    const request = { user: 0, history, hour: new Date(now).getUTCHours() };
    const batch = batchOfCandidates(candidates, request, this.model.config.historyLength);
    const scores = scoreCandidates(this.model, batch, this.side);
    return this.fusion === 'learned' ? scores.fused : formulaScores(scores.predictions, headNames);
  }
}
