import { type Logger, type Progress, Random, silentLogger, silentProgress } from '../core/index.js';
import type { TrainingData } from '../eval/index.js';
import { type CalibrationSample, calibrate } from './calibrate.js';
import { expressiveSignals } from './departures.js';
import { loggingPolicy, policyRandom } from './policies.js';
import { type Reference, referenceSatisfaction } from './reference.js';
import { initialParams, type ResponseParams } from './response-model.js';
import { SignalCounter, type SignalStats } from './signals.js';
import { SimulationState } from './simulation-state.js';
import { type Impression, simulateDays } from './simulator.js';
import type { World } from './world.js';

/** A world with its fitted response model: everything a simulation needs. */
export interface Environment {
  world: World;
  params: ResponseParams;
  reference: Reference;
}

export interface CalibrateOptions {
  seed?: number;
  /** Impressions of the calibration run the fit uses (a uniform subsample; default 300,000). */
  sampleSize?: number;
  /** Days of the calibration run (default `calibrationDays`). */
  days?: number;
  logger?: Logger;
  progress?: Progress;
}

/** The reference condition the rates are calibrated for: 7 days of the logging policy for (up to 1,500 of) the world's users. */
export const calibrationDays = 7;
export const calibrationUsers = 1500;

/**
 * Calibrates a world (docs/simulate.md, "Calibration"): simulates users under
 * the logging policy until `sampleSize` impressions, records each exposure
 * (taste, duration, expressiveness) and fits the response model to the targets.
 */
export async function calibratedEnvironment(
  world: World,
  options: CalibrateOptions = {},
): Promise<Environment> {
  const seed = options.seed ?? 42;
  const size = options.sampleSize ?? 300_000;
  const reference = referenceSatisfaction(world, seed);
  const sample: CalibrationSample = {
    size: 0,
    affinity: new Float64Array(size),
    expressiveness: new Float64Array(size),
    durationMs: new Float64Array(size),
    canFollow: new Uint8Array(size),
  };
  const departures = world.departures;
  if (departures) {
    sample.keepShift = new Float64Array(size);
    sample.watchShift = new Float64Array(size);
    sample.propensity = new Float64Array(size * expressiveSignals.length);
  }
  // Reservoir sampling: a uniform subsample of every impression of the run.
  const reservoir = new Random(seed + 99);
  let seen = 0;
  const sink = {
    impression(impression: Impression) {
      seen++;
      let k = sample.size;
      if (sample.size < size) sample.size++;
      else {
        k = reservoir.int(seen);
        if (k >= size) return;
      }
      sample.affinity[k] = impression.affinity;
      sample.expressiveness[k] = world.population.expressiveness[impression.user]!;
      sample.durationMs[k] = world.catalogue.durationMs[impression.item]!;
      sample.canFollow[k] = impression.canFollow ? 1 : 0;
      if (departures) {
        sample.keepShift![k] = departures.keepShift[impression.item]!;
        sample.watchShift![k] = departures.watchShift[impression.item]!;
        const width = expressiveSignals.length;
        for (let j = 0; j < width; j++)
          sample.propensity![k * width + j] = departures.propensity[impression.user * width + j]!;
      }
    },
  };
  const days = options.days ?? calibrationDays;
  await runLogging(world, initialParams, reference, sink, seed, days, options);
  options.logger?.debug(`calibration sample: ${sample.size} of ${seen} impressions over ${days} days`);
  return { world, params: calibrate(sample, world.targets, seed), reference };
}

/** Rates and co-occurrences of a fresh run of the reference condition (another seed than the fit's). */
export async function measureCalibration(
  environment: Environment,
  options: { seed?: number; days?: number; progress?: Progress } = {},
): Promise<SignalStats> {
  const counter = new SignalCounter();
  const flags = new Uint8Array(7);
  const sink = {
    impression({ outcome }: Impression) {
      flags[0] = outcome.hate;
      flags[1] = outcome.forward;
      flags[2] = outcome.follow;
      flags[3] = outcome.comment;
      flags[4] = outcome.like;
      flags[5] = outcome.longView;
      flags[6] = outcome.click;
      counter.add(flags);
    },
  };
  await runLogging(
    environment.world,
    environment.params,
    environment.reference,
    sink,
    (options.seed ?? 42) + 1000,
    options.days ?? calibrationDays,
    {
      progress: options.progress ?? silentProgress,
    },
  );
  return counter.stats();
}

async function runLogging(
  world: World,
  params: ResponseParams,
  reference: Reference,
  sink: { impression(impression: Impression): void },
  seed: number,
  days: number,
  options: { progress?: Progress; logger?: Logger },
): Promise<number> {
  const empty: TrainingData = {
    numUsers: world.population.size,
    numItems: world.catalogue.size,
    sequences: [],
  };
  const policy = await loggingPolicy.create({
    world,
    training: empty,
    random: policyRandom(seed, 0),
    logger: options.logger ?? silentLogger,
    progress: silentProgress,
  });
  // The same users every time (seed 0), so fit and check see one condition.
  const assignment = new Int32Array(world.population.size).fill(-1);
  const users = new Random(0).shuffle([...Array(world.population.size).keys()]).slice(0, calibrationUsers);
  for (const user of users) assignment[user] = 0;
  return simulateDays(world, params, reference, new SimulationState(world, reference), {
    days,
    assignment,
    policies: [policy],
    sink,
    seed,
    progress: options.progress ?? silentProgress,
  });
}
