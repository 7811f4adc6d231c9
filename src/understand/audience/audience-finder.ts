import { activityScores, collaborativeScores } from './collaborative-audience.js';
import { ContentProfiles } from './content-profiles.js';
import type { InterestLog } from './interest-log.js';

/** How much each standardised signal counts in the blend. */
export interface AudienceWeights {
  content: number;
  collaborative: number;
  activity: number;
}

/** The three signals of one item, one score per user each. */
export interface AudienceSignals {
  content: Float32Array;
  collaborative: Float32Array;
  activity: Float32Array;
}

/** The blends the report compares: genfeed's tuned weights and the one-signal ablations and baseline. */
export const signalOnly = {
  contentOnly: { content: 1, collaborative: 0, activity: 0 },
  collaborativeOnly: { content: 0, collaborative: 1, activity: 0 },
  popularity: { content: 0, collaborative: 0, activity: 1 },
} as const satisfies Record<string, AudienceWeights>;

/** Untuned default: both personal signals, a little activity. */
export const defaultAudienceWeights: AudienceWeights = { content: 0.4, collaborative: 0.4, activity: 0.2 };

/**
 * Ranks users by likely interest in an item (docs/understand.md, "Audience
 * finding"): a TF-IDF tag/genre profile match, an item-kNN collaborative score
 * and the user's activity, each z-scored across users, blended linearly.
 */
export class AudienceFinder {
  readonly log: InterestLog;
  readonly profiles: ContentProfiles;
  readonly #activity: Float32Array;

  constructor(log: InterestLog, itemTokens: readonly (readonly string[])[]) {
    this.log = log;
    this.profiles = new ContentProfiles(log, itemTokens);
    this.#activity = Float32Array.from(activityScores(log), (count) => Math.log1p(count));
  }

  signals(item: number): AudienceSignals {
    return {
      content: this.profiles.scores(item),
      collaborative: collaborativeScores(this.log, item),
      activity: this.#activity,
    };
  }

  /** Blended score of every user for `item`: [users]. */
  scores(item: number, weights: AudienceWeights = defaultAudienceWeights): Float32Array {
    return blend(this.signals(item), weights);
  }

  /** The `k` best users for `item`, best first, leaving out `exclude` (e.g. users who already watched it). */
  top(
    item: number,
    k: number,
    options: { weights?: AudienceWeights; exclude?: Iterable<number> } = {},
  ): number[] {
    const scores = this.scores(item, options.weights);
    for (const user of options.exclude ?? []) scores[user] = Number.NEGATIVE_INFINITY;
    const users = Array.from(scores.keys()).filter((user) => scores[user] !== Number.NEGATIVE_INFINITY);
    users.sort((a, b) => scores[b]! - scores[a]! || a - b);
    return users.slice(0, k);
  }
}

/** Σ_s w_s · z_s, where z_s is signal s standardised across users (a constant signal contributes 0). */
export function blend(signals: AudienceSignals, weights: AudienceWeights): Float32Array {
  const users = signals.content.length;
  const out = new Float32Array(users);
  for (const name of ['content', 'collaborative', 'activity'] as const) {
    const weight = weights[name];
    if (weight === 0) continue;
    const values = signals[name];
    let mean = 0;
    for (const value of values) mean += value;
    mean /= users;
    let variance = 0;
    for (const value of values) variance += (value - mean) ** 2;
    variance /= users;
    // Rounding leaves a constant signal a variance of ~1e-32, not 0: treat it as constant.
    if (variance <= 1e-12 * (1 + mean * mean)) continue;
    const scale = weight / Math.sqrt(variance);
    for (let user = 0; user < users; user++) out[user]! += scale * (values[user]! - mean);
  }
  return out;
}
