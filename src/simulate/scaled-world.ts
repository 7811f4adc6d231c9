import { playgroundWorld } from './playground-world.js';
import { shippedSummary } from './summary.js';
import type { World } from './world.js';

/** The catalogue sizes of issue 18's scale study: 2k, 20k, 200k and 1M videos. */
export const scaleSizes = [2_000, 20_000, 200_000, 1_000_000] as const;

/**
 * Simulated users for a catalogue of `items` videos: 2,000 at 2,000 videos (the
 * playground's default panel), growing with the square root of the catalogue
 * (6,325 at 20k, 20,000 at 200k, 44,721 at 1M). Platforms' catalogues grow
 * faster than any panel one can simulate: with a fixed number of logged
 * requests per user, the log per item thins as the catalogue grows (about 40
 * impressions per video at 2k, 3 at 1M with `scaledLog`'s defaults), the long
 * tail a recall stage has to cope with, while training and evaluating stay
 * within minutes on two cores.
 */
export function scaledUsers(items: number): number {
  if (!(Number.isInteger(items) && items >= 100)) {
    throw new RangeError(`scaledUsers: items must be an integer >= 100, got ${items}`);
  }
  return Math.round(2000 * Math.sqrt(Math.max(items, 2000) / 2000));
}

export interface ScaledWorldOptions {
  /** Default `scaledUsers(items)`. */
  users?: number;
  seed?: number;
}

/**
 * The playground world (shipped summary, the same calibration targets) with
 * `items` videos and the scaled user panel.
 */
export function scaledWorld(items: number, options: ScaledWorldOptions = {}): World {
  return playgroundWorld(shippedSummary(), {
    items,
    users: options.users ?? scaledUsers(items),
    seed: options.seed ?? 42,
  });
}
