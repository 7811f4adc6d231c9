import { calibratedEnvironment, type Environment } from '../environment.js';
import { playgroundWorld } from '../playground-world.js';
import { shippedSummary } from '../summary.js';

/** A calibrated playground small enough for unit tests (a few seconds). */
export function smallEnvironment(
  options: { users?: number; items?: number; seed?: number } = {},
): Promise<Environment> {
  const world = playgroundWorld(shippedSummary(), {
    users: options.users ?? 300,
    items: options.items ?? 1500,
    seed: options.seed ?? 5,
  });
  return calibratedEnvironment(world, { seed: options.seed ?? 5 });
}
