import { Random } from '../core/index.js';
import type { SignalStats } from './signals.js';
import type { PlaygroundSummary } from './summary.js';
import { drawIndex, drawTraits } from './user-traits.js';
import { affinityMoments, type Catalogue, type Population, type World } from './world.js';

export interface PlaygroundOptions {
  users: number;
  /** Videos in the catalogue (default 5,000). */
  items?: number;
  seed?: number;
}

/**
 * A world generated from summary figures only (docs/simulate.md, "Playground"):
 * durations by the real quantiles, categories and tags by their real shares,
 * authors by the real videos-per-author histogram, and a taste model with the
 * real fit's bias spread, interaction spread and cluster share.
 */
export function playgroundWorld(summary: PlaygroundSummary, options: PlaygroundOptions): World {
  if (!(options.users >= 1)) throw new RangeError(`playground needs at least 1 user, got ${options.users}`);
  const random = new Random(options.seed ?? 42);
  const size = options.items ?? 5000;
  if (!(size >= 100)) throw new RangeError(`playground needs at least 100 videos, got ${size}`);
  const { dimensions, itemBiasMean, itemBiasSd, interactionSd, clusterShare } = summary.affinity;
  const categoryShares = summary.categories.map((category) => category.share);
  const centroids = Float32Array.from({ length: categoryShares.length * dimensions }, () => random.normal());

  // Items, grouped by category so that authors (assigned in order below) stay on one topic.
  const category = Int32Array.from({ length: size }, () => drawIndex(categoryShares, random)).sort();
  const factors = new Float32Array(size * dimensions);
  const between = Math.sqrt(clusterShare);
  const within = Math.sqrt(1 - clusterShare);
  for (let item = 0; item < size; item++) {
    const centre = category[item]! * dimensions;
    for (let d = 0; d < dimensions; d++) {
      factors[item * dimensions + d] = between * centroids[centre + d]! + within * random.normal();
    }
  }
  const bias = Float32Array.from({ length: size }, () => itemBiasMean + itemBiasSd * random.normal());
  const durationMs = Float64Array.from({ length: size }, () =>
    Math.round(quantileDraw(summary.durationQuantilesMs, random.next())),
  );
  const { author, authorIds } = authorsInOrder(size, summary.videosPerAuthor, random);
  const tagShares = summary.tags.map((tag) => tag.share);
  const authorTag = authorIds.map(() => summary.tags[drawIndex(tagShares, random)]!.tag);
  const dates = dateRange(summary.uploadDates.first, summary.uploadDates.last);
  const catalogue: Catalogue = {
    size,
    ids: Array.from({ length: size }, (_, item) => String(item)),
    durationMs,
    author,
    authorIds,
    category,
    categoryNames: summary.categories.map((entry) => entry.name),
    tags: Array.from(author, (owner) => authorTag[owner]!),
    uploadDates: Array.from({ length: size }, () => dates[random.int(dates.length)]!),
    captions: new Array(size).fill(''),
    bias,
    dimensions,
    factors,
  };

  // Users like one to three categories (drawn by share) plus an idiosyncratic part.
  const users = options.users;
  const userFactors = new Float32Array(users * dimensions);
  for (let user = 0; user < users; user++) {
    const favourites = 1 + random.int(3);
    for (let f = 0; f < favourites; f++) {
      const centre = drawIndex(categoryShares, random) * dimensions;
      for (let d = 0; d < dimensions; d++)
        userFactors[user * dimensions + d]! += centroids[centre + d]! / favourites;
    }
    for (let d = 0; d < dimensions; d++) userFactors[user * dimensions + d]! += 0.5 * random.normal();
  }
  const population = emptyPopulation(users, dimensions, userFactors);
  drawTraits(population, summary.userActivity, random);
  // Scale users so the dot product spreads like the real fit's.
  const probe = affinityMoments({ ...catalogue, bias: new Float32Array(size) }, population, () =>
    random.next(),
  );
  const scale = interactionSd / probe.sd;
  for (let k = 0; k < userFactors.length; k++) userFactors[k]! *= scale;
  const moments = affinityMoments(catalogue, population, () => random.next());
  return {
    mode: 'playground',
    catalogue,
    population,
    affinityMean: moments.mean,
    affinitySd: moments.sd,
    targets: summary.signalStats as SignalStats,
  };
}

export function emptyPopulation(size: number, dimensions: number, factors?: Float32Array): Population {
  return {
    size,
    ids: Array.from({ length: size }, (_, user) => String(user)),
    factors: factors ?? new Float32Array(size * dimensions),
    activeDegree: new Array(size).fill(''),
    returnLogit: new Float32Array(size),
    extraSessions: new Float32Array(size),
    peakHour: new Uint8Array(size),
    expressiveness: new Float32Array(size),
  };
}

/** Inverse CDF of the 21 quantiles (0, 0.05, ..., 1), linear in log duration between them. */
export function quantileDraw(quantiles: readonly number[], u: number): number {
  const position = u * (quantiles.length - 1);
  const low = Math.floor(position);
  const high = Math.min(low + 1, quantiles.length - 1);
  const weight = position - low;
  return Math.exp((1 - weight) * Math.log(quantiles[low]!) + weight * Math.log(quantiles[high]!));
}

/** Consecutive items go to one author, author sizes drawn from the videos-per-author histogram. */
function authorsInOrder(
  size: number,
  histogram: ReadonlyArray<{ videos: number; authors: number }>,
  random: Random,
): { author: Int32Array; authorIds: string[] } {
  const weights = histogram.map((entry) => entry.authors);
  const author = new Int32Array(size);
  const authorIds: string[] = [];
  let item = 0;
  while (item < size) {
    const videos = histogram[drawIndex(weights, random)]!.videos;
    const index = authorIds.length;
    authorIds.push(`a${index}`);
    for (let v = 0; v < videos && item < size; v++) author[item++] = index;
  }
  return { author, authorIds };
}

function dateRange(first: string, last: string): string[] {
  const dates: string[] = [];
  for (
    let time = Date.parse(`${first}T00:00:00Z`);
    time <= Date.parse(`${last}T00:00:00Z`);
    time += 86_400_000
  ) {
    dates.push(new Date(time).toISOString().slice(0, 10));
  }
  return dates;
}
