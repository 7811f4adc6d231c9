import { InvalidInputError } from '../core/index.js';
import { batchOfCandidates } from '../reward/index.js';
import type { Catalogue } from './catalogue.js';
import type { RankItemSide, TargetAttentionModel } from './target-attention-model.js';

/**
 * The rank stage with the target-attention model: each pre-ranked candidate is
 * scored against the user's recent history (the model's `historyLength` last
 * items) at the request's hour, by the fixed formula over its nine heads.
 */
export class TargetAttentionRanker {
  readonly side: RankItemSide;

  constructor(
    readonly model: TargetAttentionModel,
    catalogue: Catalogue,
  ) {
    const { config } = model;
    if (config.numItems < catalogue.size) {
      throw new InvalidInputError(
        `The target-attention ranker knows ${config.numItems} items, the catalogue has ${catalogue.size}: train it on this catalogue`,
      );
    }
    const pad = (values: Int32Array, count: number) => {
      const out = new Int32Array(config.numItems).fill(-1);
      values.forEach((value, item) => {
        out[item] = value < count ? value : -1;
      });
      return out;
    };
    const durationMs = new Float32Array(config.numItems);
    durationMs.set(catalogue.durationMs);
    this.side = {
      author: pad(catalogue.author, config.numAuthors),
      category: pad(catalogue.category, config.numCategories),
      durationMs,
    };
  }

  /** [candidates] fused score of each candidate for this user at this time. */
  score(candidates: Int32Array, history: Int32Array, now: number): Float32Array {
    const request = { user: 0, history, hour: new Date(now).getUTCHours() };
    return this.model.score(
      batchOfCandidates(candidates, request, this.model.config.historyLength),
      this.side,
    );
  }
}
