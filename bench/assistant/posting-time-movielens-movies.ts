/**
 * Posting-time backtest on MovieLens, creator framing: a movie is a "creator",
 * the users who rated it before the cut are its "fans". At every Monday 00:00 UTC
 * cut, movies with at least `minActiveFans` fans rating anything in the week after
 * (at most `maxPerCut` of them per cut, drawn at random with a fixed seed) are scored:
 * windows from all their fans' ratings before the cut vs the global peak windows, on
 * the fans' ratings of the week after.
 */
import {
  decayWeight,
  fanActivityDefaults,
  hourOfWeek,
  type PostingTimeOptions,
  WEEK_MS,
} from '../../src/assistant/index.js';
import { Random } from '../../src/core/index.js';
import { readMovieLensRatings } from '../../src/data/index.js';
import { type BacktestScore, scoreWindows } from './posting-time-score.js';

export interface MovieCreatorBacktestOptions {
  ratingsPath: string;
  minActiveFans: number;
  /** Fans' ratings needed in the week after the cut. */
  minNextWeek: number;
  maxPerCut: number;
  seed: number;
  windows: PostingTimeOptions;
}

export async function movieLensMovieBacktest(
  options: MovieCreatorBacktestOptions,
): Promise<{ movieWeeks: number; movies: number; scores: Record<string, BacktestScore> }> {
  const ratings: Array<{ user: number; movie: string; time: number }> = [];
  const userIndex = new Map<string, number>();
  for await (const rating of readMovieLensRatings(options.ratingsPath)) {
    let user = userIndex.get(rating.user);
    if (user === undefined) {
      user = userIndex.size;
      userIndex.set(rating.user, user);
    }
    ratings.push({ user, movie: rating.item, time: rating.time! * 1000 });
  }
  ratings.sort((a, b) => a.time - b.time || a.user - b.user || a.movie.localeCompare(b.movie));
  const users = userIndex.size;
  const history = new Float64Array(users * 168); // [users, 168] ratings before the current cut
  const weighted = new Float64Array(users * 168); // the same, recency-weighted from the cut (as fanActivity does)
  const weekDecay = decayWeight(WEEK_MS, fanActivityDefaults.halfLifeDays);
  const global = new Float64Array(168);
  const fansOf = new Map<string, Set<number>>(); // movie -> users who rated it before the cut
  const random = new Random(options.seed);
  const creators: Array<{
    fit: Float64Array;
    fitUnweighted: Float64Array;
    test: Float64Array;
    global: Float64Array;
  }> = [];
  const moviesScored = new Set<string>();
  const first = ratings[0]!.time;
  const firstMonday = Math.ceil((first - 4 * 86_400_000) / WEEK_MS) * WEEK_MS + 4 * 86_400_000;
  let next = 0;
  for (let cut = firstMonday; cut <= ratings.at(-1)!.time; cut += WEEK_MS) {
    for (let k = 0; k < weighted.length; k++) weighted[k]! *= weekDecay;
    for (; next < ratings.length && ratings[next]!.time < cut; next++) {
      const { user, movie, time } = ratings[next]!;
      const hour = hourOfWeek(time);
      history[user * 168 + hour]!++;
      weighted[user * 168 + hour]! += decayWeight(cut - time, fanActivityDefaults.halfLifeDays);
      global[hour]!++;
      let fans = fansOf.get(movie);
      if (!fans) {
        fans = new Set();
        fansOf.set(movie, fans);
      }
      fans.add(user);
    }
    // The week after the cut, per active user.
    const week = new Map<number, Float64Array>();
    for (let k = next; k < ratings.length && ratings[k]!.time < cut + WEEK_MS; k++) {
      const { user, time } = ratings[k]!;
      let hours = week.get(user);
      if (!hours) {
        hours = new Float64Array(168);
        week.set(user, hours);
      }
      hours[hourOfWeek(time)]!++;
    }
    if (week.size < options.minActiveFans) continue;
    const candidates: string[] = [];
    for (const [movie, fans] of fansOf) {
      let active = 0;
      for (const user of week.keys()) if (fans.has(user)) active++;
      if (active >= options.minActiveFans) candidates.push(movie);
    }
    for (let i = candidates.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
    }
    const globalNow = global.slice();
    for (const movie of candidates.slice(0, options.maxPerCut)) {
      const fit = new Float64Array(168);
      const fitUnweighted = new Float64Array(168);
      const test = new Float64Array(168);
      for (const user of fansOf.get(movie)!) {
        for (let h = 0; h < 168; h++) {
          fit[h]! += weighted[user * 168 + h]!;
          fitUnweighted[h]! += history[user * 168 + h]!;
        }
        const hours = week.get(user);
        if (hours) for (let h = 0; h < 168; h++) test[h]! += hours[h]!;
      }
      if (test.reduce((a, b) => a + b, 0) < options.minNextWeek) continue;
      creators.push({ fit, fitUnweighted, test, global: globalNow });
      moviesScored.add(movie);
    }
  }
  return {
    movieWeeks: creators.length,
    movies: moviesScored.size,
    scores: scoreWindows(creators, global, options.windows),
  };
}
