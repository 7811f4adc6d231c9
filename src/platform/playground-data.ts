import { type Progress, Random, silentLogger, silentProgress } from '../core/index.js';
import {
  calibratedEnvironment,
  type Environment,
  eventSignals,
  findPolicy,
  type Impression,
  playgroundWorld,
  SimulationState,
  shippedSummary,
  simulateDays,
  type World,
} from '../simulate/index.js';
import type { EventInput, ItemInput, Store, UserInput } from '../storage/index.js';

export interface PlaygroundDataOptions {
  users: number;
  items: number;
  /** Simulated days of logs under the baseline policy. */
  days: number;
  seed: number;
  /** Impressions the response-model calibration fits on (default 100,000). */
  calibrationSample?: number;
  /** Days of the calibration run (default 3). */
  calibrationDays?: number;
  /** The policy that produced the logs (default `logging`, the platform stand-in of the calibration). */
  policy?: string;
  progress?: Progress;
}

export interface PlaygroundData {
  environment: Environment;
  /** Where the simulated users stand after the logged days (the driver continues from it). */
  state: SimulationState;
  /** Unix ms of the first logged day's midnight; the logged days end at `start + days * 86,400,000`. */
  start: number;
  days: number;
  items: ItemInput[];
  users: UserInput[];
  events: EventInput[];
}

const DAY_MS = 86_400_000;

/**
 * The demo's data, from nothing downloaded: a playground world (catalogue,
 * users, taste), its calibrated response model, and `days` simulated days of
 * logs with a baseline policy, ending at today's UTC midnight, as store records
 * (every impression is an event with its 12 signals).
 */
export async function simulatePlaygroundData(options: PlaygroundDataOptions): Promise<PlaygroundData> {
  const progress = options.progress ?? silentProgress;
  const world = playgroundWorld(shippedSummary(), {
    users: options.users,
    items: options.items,
    seed: options.seed,
  });
  const environment = await calibratedEnvironment(world, {
    seed: options.seed,
    sampleSize: options.calibrationSample ?? 100_000,
    days: options.calibrationDays ?? 3,
    progress,
  });
  const { params, reference } = environment;
  const policy = await findPolicy(options.policy ?? 'logging').create({
    world,
    training: { numUsers: world.population.size, numItems: world.catalogue.size, sequences: [] },
    random: new Random(options.seed + 1),
    logger: silentLogger,
    progress: silentProgress,
  });
  const start = Math.floor(Date.now() / DAY_MS) * DAY_MS - options.days * DAY_MS;
  const startDate = new Date(start).toISOString().slice(0, 10);
  const state = new SimulationState(world, reference);
  const events: EventInput[] = [];
  const { catalogue, population } = world;
  simulateDays(world, params, reference, state, {
    days: options.days,
    assignment: new Int32Array(population.size),
    policies: [policy],
    seed: options.seed + 2,
    startDate,
    progress,
    sink: {
      impression(impression: Impression) {
        events.push(eventOf(world, impression, policy.name));
      },
    },
  });
  const items: ItemInput[] = catalogue.ids.map((id, item) => ({
    id,
    author: catalogue.authorIds[catalogue.author[item]!]!,
    durationMs: catalogue.durationMs[item]!,
    uploadTime: Date.parse(`${catalogue.uploadDates[item]!}T00:00:00Z`),
    categories: [catalogue.categoryNames[catalogue.category[item]!]!],
    tags: catalogue.tags[item] ? [catalogue.tags[item]!] : [],
  }));
  const users: UserInput[] = population.ids.map((id, user) => ({
    id,
    features: { activeDegree: population.activeDegree[user]! },
  }));
  return { environment, state, start, days: options.days, items, users, events };
}

function eventOf(world: World, impression: Impression, pipeline: string): EventInput {
  const { outcome } = impression;
  const itemId = world.catalogue.ids[impression.item]!;
  const userId = world.population.ids[impression.user]!;
  const requestId = `log-${impression.request}`;
  return {
    id: `${requestId}:${impression.position}`,
    userId,
    itemId,
    time: impression.timeMs,
    requestId,
    pipeline,
    position: impression.position,
    signals: eventSignals(outcome, world.catalogue.durationMs[impression.item]!),
  };
}

/** Writes the catalogue, users and logged events into a store, in batches (one transaction each). */
export async function importPlaygroundData(
  store: Store,
  data: Pick<PlaygroundData, 'items' | 'users' | 'events'>,
  options: { batchSize?: number; progress?: Progress } = {},
): Promise<void> {
  const batch = options.batchSize ?? 5000;
  const progress = options.progress ?? silentProgress;
  const total = data.items.length + data.users.length + data.events.length;
  progress.start('importing', total);
  let done = 0;
  const write = async <T>(records: readonly T[], upsert: (part: T[]) => Promise<void>) => {
    for (let i = 0; i < records.length; i += batch) {
      const part = records.slice(i, i + batch);
      await upsert(part);
      done += part.length;
      progress.update(done);
    }
  };
  await write(data.items, (part) => store.upsertItems(part));
  await write(data.users, (part) => store.upsertUsers(part));
  await write(data.events, (part) => store.upsertEvents(part));
  progress.stop();
}
