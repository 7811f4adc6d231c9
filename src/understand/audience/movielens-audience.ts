import { join } from 'node:path';
import { Random } from '../../core/index.js';
import { readMovieLensMovies, readMovieLensRatings, readMovieLensTags } from '../../data/index.js';
import type { AudienceCase } from './evaluate-audience.js';
import { type InterestLog, interestLog } from './interest-log.js';

/** A log to fit on, item tokens, and held-out cases to score against. */
export interface AudienceBenchmark {
  log: InterestLog;
  itemTokens: string[][];
  cases: AudienceCase[];
  /** A log and cases for tuning, disjoint from `cases`. */
  validation: { log: InterestLog; cases: AudienceCase[] };
}

export interface MovieLensAudienceOptions {
  /** Share of interest ratings (>= `minRating`) held out for the test; default 0.2. */
  testShare?: number;
  /** Share of the remaining interest ratings held out for tuning; default 0.1. */
  validationShare?: number;
  /** Ratings at or above it count as interest; default 4. */
  minRating?: number;
  seed?: number;
}

/**
 * MovieLens audience protocol (docs/understand.md): ratings >= 4 are interest;
 * a seeded random share of them is held out; for each item with held-out
 * interest, every user without a visible rating of it is a candidate, and the
 * held-out raters are the positives. Item tokens: genres, user tags (lower
 * case) and the release decade.
 */
export async function movieLensAudience(
  directory: string,
  options: MovieLensAudienceOptions = {},
): Promise<AudienceBenchmark> {
  const minRating = options.minRating ?? 4;
  const random = new Random(options.seed ?? 11);
  const users = new Map<string, number>();
  const items = new Map<string, number>();
  const itemTokens: string[][] = [];
  const itemIndex = (id: string): number => {
    let index = items.get(id);
    if (index === undefined) {
      index = items.size;
      items.set(id, index);
      itemTokens.push([]);
    }
    return index;
  };
  for await (const movie of readMovieLensMovies(join(directory, 'movies.csv'))) {
    const tokens = itemTokens[itemIndex(movie.id)]!;
    for (const genre of movie.categories ?? []) tokens.push(`genre:${genre.toLowerCase()}`);
    const year = /\((\d{4})\)\s*$/u.exec(movie.title ?? '')?.[1];
    if (year !== undefined) tokens.push(`decade:${year.slice(0, 3)}0`);
  }
  for await (const tag of readMovieLensTags(join(directory, 'tags.csv'))) {
    itemTokens[itemIndex(tag.item)]!.push(`tag:${tag.tag.toLowerCase()}`);
  }
  // 0 train, 1 validation, 2 test; every rating kept, interest or not.
  const ratings: { user: number; item: number; interest: boolean; part: number }[] = [];
  for await (const rating of readMovieLensRatings(join(directory, 'ratings.csv'))) {
    let user = users.get(rating.user);
    if (user === undefined) {
      user = users.size;
      users.set(rating.user, user);
    }
    const interest = (rating.label ?? 0) >= minRating;
    let part = 0;
    if (interest) {
      const draw = random.next();
      const testShare = options.testShare ?? 0.2;
      if (draw < testShare) part = 2;
      else if (draw < testShare + (1 - testShare) * (options.validationShare ?? 0.1)) part = 1;
    }
    ratings.push({ user, item: itemIndex(rating.item), interest, part });
  }
  const numUsers = users.size;
  const numItems = items.size;
  const pairsOf = (keep: (part: number) => boolean) =>
    ratings.filter((r) => r.interest && keep(r.part)).map((r) => [r.user, r.item] as const);
  const casesOf = (heldOut: number, visible: (part: number) => boolean): AudienceCase[] => {
    const positives = new Map<number, number[]>();
    const excluded = new Map<number, number[]>();
    for (const r of ratings) {
      if (r.part === heldOut) {
        const list = positives.get(r.item) ?? [];
        list.push(r.user);
        positives.set(r.item, list);
      } else if (visible(r.part)) {
        const list = excluded.get(r.item) ?? [];
        list.push(r.user);
        excluded.set(r.item, list);
      }
    }
    return [...positives].map(([item, users]) => ({
      item,
      positives: users,
      excluded: excluded.get(item) ?? [],
    }));
  };
  return {
    log: interestLog(
      numUsers,
      numItems,
      pairsOf((part) => part <= 1),
    ),
    itemTokens,
    cases: casesOf(2, (part) => part <= 1),
    validation: {
      log: interestLog(
        numUsers,
        numItems,
        pairsOf((part) => part === 0),
      ),
      cases: casesOf(1, (part) => part === 0),
    },
  };
}
