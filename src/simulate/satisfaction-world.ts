import { Random } from '../core/index.js';
import { type Departures, expressiveSignals, type WorldStrengths } from './departures.js';
import type { ResponseShape } from './response-model.js';
import type { World } from './world.js';

/**
 * The satisfaction world (issue 19; docs/simulate.md, "The satisfaction world:
 * pre-registered magnitudes"): four ways behaviour departs from hidden
 * satisfaction, each scaled by its strength. Every value here is the magnitude at
 * strength 1 as pre-registered (commit ebe0a90); strength 0 is today's world.
 */
export const satisfactionDesign = {
  /** Duration bias: watch-fraction logit per unit ln(duration / median duration). D2Q direction; size a design choice. */
  durationWatch: 0.5,
  /** Temptation: keep and watch logits per unit (allure - 1/2). RecSim choc_mean 5 - kale_mean 4. */
  allureEngagement: 1.0,
  /** Temptation: satisfaction logit per unit 2 (allure - 1/2). RecSim's net-positive-exposure step, sensitivity 1. */
  allureValue: 1.0,
  /** Heterogeneous expression: sd of a per-signal propensity is 0.8 + this * s (KuaiRand: sd ln(1 + follows) = 1.62). */
  expressionSpread: 0.8,
  /** Heterogeneous expression: the shared share rho = 1 - this * s (KuaiRand: follow-friend 0.64, follow-fan 0.52). */
  expressionSharedDrop: 0.42,
  /** Long run: day discount of the satisfaction stock (RecSim memory_discount). Not scaled. */
  stockMemory: 0.7,
  /** Long run: return logit per unit stock (design choice). */
  stockReturn: 1.0,
  /** Long run: leave logit per unit stock, subtracted (design choice). */
  stockSession: 0.5,
  /** Long run: daily churn hazard at the reference stock (design choice); 2 sigma(-A) times it. */
  churnHazard: 0.01,
} as const;

export interface SatisfactionWorldOptions {
  /** Overall strength, 0..4; scales every departure not given in `strengths`. */
  strength: number;
  strengths?: Partial<WorldStrengths>;
  /** Seed of the departures' own draws (allure, per-signal propensities); the world's draws are untouched. */
  seed?: number;
}

export const maxWorldStrength = 4;

/** `world` with the satisfaction world's departures at the given strengths (the world itself is not changed). */
export function withSatisfactionWorld(world: World, options: SatisfactionWorldOptions): World {
  const strengths: WorldStrengths = {
    durationBias: options.strengths?.durationBias ?? options.strength,
    temptation: options.strengths?.temptation ?? options.strength,
    expression: options.strengths?.expression ?? options.strength,
    longRun: options.strengths?.longRun ?? options.strength,
  };
  for (const [name, value] of Object.entries({ strength: options.strength, ...strengths })) {
    if (!(value >= 0 && value <= maxWorldStrength))
      throw new RangeError(`world strength ${name} must be within 0..${maxWorldStrength}, got ${value}`);
  }
  const { catalogue, population } = world;
  const design = satisfactionDesign;
  // A stream of its own, so the world's users, videos and every later draw stay as they are.
  const random = new Random((options.seed ?? 42) * 7919 + 104_729);
  const allure = Float64Array.from({ length: catalogue.size }, () => random.next());
  const referenceDurationMs = median(catalogue.durationMs);
  const keepShift = new Float64Array(catalogue.size);
  const watchShift = new Float64Array(catalogue.size);
  const valueShift = new Float64Array(catalogue.size);
  for (let item = 0; item < catalogue.size; item++) {
    const appeal = strengths.temptation * design.allureEngagement * (allure[item]! - 0.5);
    keepShift[item] = appeal;
    watchShift[item] =
      appeal +
      strengths.durationBias *
        design.durationWatch *
        Math.log(catalogue.durationMs[item]! / referenceDurationMs);
    valueShift[item] = strengths.temptation * design.allureValue * 2 * (allure[item]! - 0.5);
  }
  const spread = 0.8 + design.expressionSpread * strengths.expression;
  const shared = Math.max(0, 1 - design.expressionSharedDrop * strengths.expression);
  const own = Math.sqrt(1 - shared);
  const propensity = new Float64Array(population.size * expressiveSignals.length);
  for (let user = 0; user < population.size; user++) {
    const common = Math.sqrt(shared) * population.expressiveness[user]!;
    for (let k = 0; k < expressiveSignals.length; k++) {
      propensity[user * expressiveSignals.length + k] = spread * (common + own * random.normal());
    }
  }
  return {
    ...world,
    departures: { strengths, allure, keepShift, watchShift, valueShift, propensity, referenceDurationMs },
  };
}

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Fills `shape` with the departures' effect on `user` watching `item` (allocation-free). */
export function fillShape(
  departures: Departures,
  user: number,
  item: number,
  shape: ResponseShape,
): ResponseShape {
  const row = user * expressiveSignals.length;
  shape.keepShift = departures.keepShift[item]!;
  shape.watchShift = departures.watchShift[item]!;
  shape.valueShift = departures.valueShift[item]!;
  shape.like = departures.propensity[row]!;
  shape.follow = departures.propensity[row + 1]!;
  shape.comment = departures.propensity[row + 2]!;
  shape.forward = departures.propensity[row + 3]!;
  return shape;
}

export function emptyShape(): ResponseShape {
  return { keepShift: 0, watchShift: 0, valueShift: 0, like: 0, follow: 0, comment: 0, forward: 0 };
}
