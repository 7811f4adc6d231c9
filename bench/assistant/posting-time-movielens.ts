/**
 * Posting-time backtest on MovieLens rating times. Framing: each user is their
 * own audience ("when will this person be active next week?"). At every Monday
 * 00:00 UTC cut, users with enough history and some ratings in the week after
 * are scored: windows from their ratings before the cut vs the global peak
 * windows of everyone's ratings before the cut, on their ratings of the week.
 */
import {
  decayWeight,
  fanActivityDefaults,
  hourOfWeek,
  type PostingTimeOptions,
  WEEK_MS,
} from '../../src/assistant/index.js';
import { readMovieLensRatings } from '../../src/data/index.js';
import { type BacktestScore, scoreWindows } from './posting-time-score.js';

export interface MovieLensBacktestOptions {
  ratingsPath: string;
  /** Ratings a user needs before the cut (default 20) and in the week after (default 5). */
  minHistory: number;
  minNextWeek: number;
  windows: PostingTimeOptions;
}

export async function movieLensBacktest(
  options: MovieLensBacktestOptions,
): Promise<{ userWeeks: number; users: number; ratings: number; scores: Record<string, BacktestScore> }> {
  const byUser = new Map<string, number[]>();
  let ratings = 0;
  for await (const rating of readMovieLensRatings(options.ratingsPath)) {
    const times = byUser.get(rating.user) ?? [];
    times.push(rating.time! * 1000);
    byUser.set(rating.user, times);
    ratings++;
  }
  const all: number[] = [];
  for (const times of byUser.values()) {
    times.sort((a, b) => a - b);
    all.push(...times);
  }
  all.sort((a, b) => a - b);
  // Weekly cuts on Mondays 00:00 UTC (the epoch was a Thursday: Monday = epoch + 4 days).
  const firstMonday = Math.ceil((all[0]! - 4 * 86_400_000) / WEEK_MS) * WEEK_MS + 4 * 86_400_000;
  const usersScored = new Set<string>();
  const globalAt = new Map<number, Float64Array>();
  const cuts: number[] = [];
  for (let cut = firstMonday; cut <= all.at(-1)!; cut += WEEK_MS) cuts.push(cut);
  // Global histogram before each cut, built in one sweep.
  const global = new Float64Array(168);
  let next = 0;
  for (const cut of cuts) {
    while (next < all.length && all[next]! < cut) global[hourOfWeek(all[next++]!)]!++;
    globalAt.set(cut, global.slice());
  }
  const creators: Array<{
    fit: Float64Array;
    fitUnweighted: Float64Array;
    test: Float64Array;
    global: Float64Array;
  }> = [];
  for (const cut of cuts) {
    for (const [user, times] of byUser) {
      const before = lowerBound(times, cut);
      const after = lowerBound(times, cut + WEEK_MS);
      if (before < options.minHistory || after - before < options.minNextWeek) continue;
      const fit = new Float64Array(168);
      const fitUnweighted = new Float64Array(168);
      const test = new Float64Array(168);
      for (let k = 0; k < before; k++) {
        fitUnweighted[hourOfWeek(times[k]!)]!++;
        fit[hourOfWeek(times[k]!)]! += decayWeight(cut - times[k]!, fanActivityDefaults.halfLifeDays);
      }
      for (let k = before; k < after; k++) test[hourOfWeek(times[k]!)]!++;
      creators.push({ fit, fitUnweighted, test, global: globalAt.get(cut)! });
      usersScored.add(user);
    }
  }
  return {
    userWeeks: creators.length,
    users: usersScored.size,
    ratings,
    scores: scoreWindows(creators, global, options.windows),
  };
}

function lowerBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
