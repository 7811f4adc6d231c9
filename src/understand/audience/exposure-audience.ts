import type { Random } from '../../core/index.js';
import type { AudienceCase } from './evaluate-audience.js';
import { interestLog } from './interest-log.js';
import type { AudienceBenchmark } from './movielens-audience.js';

/** Interest logged under exposure, with a hidden truth to score audiences against (e.g. a simulated world). */
export interface InterestExposure {
  numUsers: number;
  numItems: number;
  /** Interest events (long views), in time order: a held-out item keeps its first ones. */
  views: readonly { user: number; item: number }[];
  itemTokens: string[][];
  /** Hidden affinity of `user` for `item`, never seen by the models. */
  affinity(user: number, item: number): number;
}

export interface ExposureAudienceOptions {
  /** Draws the held-out items (the caller's generator, so a run replays from its seed). */
  random: Random;
  /** Items held out for the test and, separately, for tuning; default 150 each. */
  heldOutItems?: number;
  /** Interest events of a held-out item kept in the log (its first ones): a fresh upload's early audience; default 5. */
  seedViews?: number;
  /** Share of candidates with the highest hidden affinity that count as interested; default 0.1. */
  positiveShare?: number;
}

/**
 * The exposure audience protocol (docs/understand.md): held-out items keep only
 * their first `seedViews` interest events; every other user is a candidate, and
 * the positives are the `positiveShare` of candidates with the highest hidden
 * affinity.
 */
export function exposureAudience(
  exposure: InterestExposure,
  options: ExposureAudienceOptions,
): AudienceBenchmark {
  const { numUsers, numItems } = exposure;
  const heldOut = options.heldOutItems ?? 150;
  if (2 * heldOut > numItems) {
    throw new RangeError(`cannot hold out 2 x ${heldOut} items of a ${numItems}-item catalogue`);
  }
  const order = options.random.shuffle([...Array(numItems).keys()]);
  const testItems = order.slice(0, heldOut);
  const validationItems = order.slice(heldOut, 2 * heldOut);
  const heldOutSet = new Set([...testItems, ...validationItems]);
  const seedViews = options.seedViews ?? 5;
  const seeds = new Map<number, number[]>();
  const pairs: (readonly [number, number])[] = [];
  for (const { user, item } of exposure.views) {
    if (heldOutSet.has(item)) {
      const list = seeds.get(item) ?? [];
      if (list.length >= seedViews || list.includes(user)) continue;
      list.push(user);
      seeds.set(item, list);
    }
    pairs.push([user, item]);
  }
  const log = interestLog(numUsers, numItems, pairs);
  const share = options.positiveShare ?? 0.1;
  const caseOf = (item: number): AudienceCase => {
    const excluded = seeds.get(item) ?? [];
    const skip = new Set(excluded);
    const candidates = [...Array(numUsers).keys()].filter((user) => !skip.has(user));
    const affinity = new Map(candidates.map((user) => [user, exposure.affinity(user, item)]));
    candidates.sort((a, b) => affinity.get(b)! - affinity.get(a)! || a - b);
    return {
      item,
      positives: candidates.slice(0, Math.max(1, Math.round(share * candidates.length))),
      excluded,
    };
  };
  return {
    log,
    itemTokens: exposure.itemTokens,
    cases: testItems.map(caseOf),
    validation: { log, cases: validationItems.map(caseOf) },
  };
}
