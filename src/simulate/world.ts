import type { Departures } from './departures.js';
import type { SignalStats } from './signals.js';

/**
 * The simulated videos. Columns of typed arrays indexed by dense item index;
 * `factors` is [size, dimensions] row-major.
 */
export interface Catalogue {
  size: number;
  /** video_id written to the logs. */
  ids: string[];
  durationMs: Float64Array;
  author: Int32Array;
  authorIds: string[];
  category: Int32Array;
  categoryNames: string[];
  /** KuaiRand `tag` field ('' when none). */
  tags: string[];
  /** Upload date `YYYY-MM-DD`. */
  uploadDates: string[];
  /** A caption (real mode: a KuaiRec caption of the item's category; '' in the playground). */
  captions: string[];
  /** Item quality: the item bias of the taste model. */
  bias: Float32Array;
  dimensions: number;
  factors: Float32Array;
}

/** The simulated users and the traits their behaviour follows (see docs/simulate.md). */
export interface Population {
  size: number;
  /** user_id written to the logs. */
  ids: string[];
  /** [size, dimensions] row-major. */
  factors: Float32Array;
  /** KuaiRand `user_active_degree` drawn for the user. */
  activeDegree: string[];
  /** Logit of coming back on a day at reference satisfaction. */
  returnLogit: Float32Array;
  /** Expected extra sessions on an active day (Poisson mean). */
  extraSessions: Float32Array;
  /** Hour (0-23) around which the user's sessions start. */
  peakHour: Uint8Array;
  /** How readily the user likes, comments, follows, forwards (standard normal). */
  expressiveness: Float32Array;
  /** Dense history of KuaiRec training positives (real mode), the start of the feed history. */
  initialHistory?: Int32Array[];
  /** Items the user already consumed before the simulation (real mode: the train split). */
  initialSeen?: Int32Array[];
}

export interface World {
  mode: 'real' | 'playground';
  catalogue: Catalogue;
  population: Population;
  /** Mean and sd of (bias + user . item) over random user-item pairs: taste is standardised by them. */
  affinityMean: number;
  affinitySd: number;
  /** The calibration targets. */
  targets: SignalStats;
  /** The satisfaction world's departures (issue 19); absent: today's world. */
  departures?: Departures;
}

/** Standardised taste z of user u for item i (mean 0, sd 1 over random pairs). */
export function taste(world: World, user: number, item: number): number {
  const { catalogue, population } = world;
  const dimensions = catalogue.dimensions;
  let dot = catalogue.bias[item]!;
  const userOffset = user * dimensions;
  const itemOffset = item * dimensions;
  for (let d = 0; d < dimensions; d++) {
    dot += population.factors[userOffset + d]! * catalogue.factors[itemOffset + d]!;
  }
  return (dot - world.affinityMean) / world.affinitySd;
}

/** Mean and sd of bias + user . item over `samples` random pairs. */
export function affinityMoments(
  catalogue: Catalogue,
  population: Population,
  next: () => number,
  samples = 50_000,
): { mean: number; sd: number } {
  let sum = 0;
  let sumSquares = 0;
  const dimensions = catalogue.dimensions;
  for (let s = 0; s < samples; s++) {
    const user = Math.floor(next() * population.size);
    const item = Math.floor(next() * catalogue.size);
    let dot = catalogue.bias[item]!;
    for (let d = 0; d < dimensions; d++) {
      dot += population.factors[user * dimensions + d]! * catalogue.factors[item * dimensions + d]!;
    }
    sum += dot;
    sumSquares += dot * dot;
  }
  const mean = sum / samples;
  return { mean, sd: Math.sqrt(Math.max(sumSquares / samples - mean * mean, 1e-12)) };
}

/**
 * Expected hidden satisfaction E[sigma(z + 0.6 eta)] of showing `item` to `user`
 * (no follow bonus), by the logistic-normal approximation
 * E[sigma(X)] ~ sigma(mu / sqrt(1 + pi s^2 / 8)) for X ~ N(mu, s^2): the ground
 * truth to score a ranking of candidates that were never shown.
 */
export function expectedSatisfaction(world: World, user: number, item: number, noise = 0.6): number {
  const z = taste(world, user, item);
  return 1 / (1 + Math.exp(-z / Math.sqrt(1 + (Math.PI * noise * noise) / 8)));
}
