import { Random } from '../core/index.js';
import { responseDesign, sigmoid } from './response-model.js';
import { taste, type World } from './world.js';

/** Reference satisfaction: its mean and sd over random user-item impressions. */
export interface Reference {
  mean: number;
  sd: number;
}

export function referenceSatisfaction(world: World, seed = 3, samples = 50_000): Reference {
  const random = new Random(seed);
  let sum = 0;
  let sumSquares = 0;
  for (let s = 0; s < samples; s++) {
    const user = random.int(world.population.size);
    const item = random.int(world.catalogue.size);
    const z = taste(world, user, item);
    const realised = z + responseDesign.tasteNoise * random.normal();
    // In a satisfaction world the temptation's cost is part of the hidden satisfaction.
    const satisfaction = sigmoid(world.departures ? realised - world.departures.valueShift[item]! : realised);
    sum += satisfaction;
    sumSquares += satisfaction * satisfaction;
  }
  const mean = sum / samples;
  return { mean, sd: Math.sqrt(sumSquares / samples - mean * mean) };
}
