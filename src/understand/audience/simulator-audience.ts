import { type Logger, type Progress, Random, silentLogger, silentProgress } from '../../core/index.js';
import {
  calibratedEnvironment,
  expectedSatisfaction,
  findPolicy,
  type Impression,
  type PlaygroundSummary,
  playgroundWorld,
  SimulationState,
  shippedSummary,
  simulateDays,
  type World,
} from '../../simulate/index.js';
import type { AudienceCase } from './evaluate-audience.js';
import { interestLog } from './interest-log.js';
import type { AudienceBenchmark } from './movielens-audience.js';

export interface SimulatorAudienceOptions {
  /** Summary figures the world is drawn from; default the shipped playground summary. */
  summary?: PlaygroundSummary;
  /** Default 1,000. */
  users?: number;
  /** Default 2,000. */
  items?: number;
  /** Days of random-policy exposure logged; default 7. */
  days?: number;
  /** Items held out for the test and, separately, for tuning; default 150 each. */
  heldOutItems?: number;
  /** Long views of a held-out item kept in the log (its first ones): a fresh upload's early audience; default 5. */
  seedViews?: number;
  /** Share of candidates with the highest hidden affinity that count as interested; default 0.1. */
  positiveShare?: number;
  seed?: number;
  logger?: Logger;
  progress?: Progress;
}

/**
 * The simulator's audience protocol (docs/understand.md): a calibrated
 * playground world, `days` days of uniformly random exposure, long views as
 * interest. Held-out items keep only their first `seedViews` long views; every
 * other user is a candidate, and the positives are the `positiveShare` of
 * candidates with the highest hidden expected satisfaction (the world's ground
 * truth, never seen by the models). Item tokens: category, KuaiRand tag, author.
 */
export async function simulatorAudience(
  options: SimulatorAudienceOptions = {},
): Promise<AudienceBenchmark & { world: World }> {
  const seed = options.seed ?? 13;
  const world = playgroundWorld(options.summary ?? shippedSummary(), {
    users: options.users ?? 1000,
    items: options.items ?? 2000,
    seed,
  });
  const environment = await calibratedEnvironment(world, {
    seed,
    logger: options.logger ?? silentLogger,
    progress: options.progress ?? silentProgress,
  });
  const { catalogue, population } = world;
  const random = new Random(seed + 1);
  const policy = await findPolicy('random').create({
    world,
    training: { numUsers: population.size, numItems: catalogue.size, sequences: [] },
    random,
    logger: options.logger ?? silentLogger,
    progress: silentProgress,
  });
  // Long views in time order (the simulator emits impressions in time order per user-day).
  const views: { user: number; item: number; time: number }[] = [];
  simulateDays(
    world,
    environment.params,
    environment.reference,
    new SimulationState(world, environment.reference),
    {
      days: options.days ?? 7,
      assignment: new Int32Array(population.size),
      policies: [policy],
      sink: {
        impression(impression: Impression) {
          if (impression.outcome.longView === 1) {
            views.push({ user: impression.user, item: impression.item, time: impression.timeMs });
          }
        },
      },
      seed: seed + 2,
      progress: options.progress ?? silentProgress,
    },
  );
  views.sort((a, b) => a.time - b.time);

  const heldOut = options.heldOutItems ?? 150;
  if (2 * heldOut > catalogue.size) {
    throw new RangeError(`cannot hold out 2 x ${heldOut} items of a ${catalogue.size}-item catalogue`);
  }
  const order = random.shuffle([...Array(catalogue.size).keys()]);
  const testItems = order.slice(0, heldOut);
  const validationItems = order.slice(heldOut, 2 * heldOut);
  const heldOutSet = new Set([...testItems, ...validationItems]);
  const seedViews = options.seedViews ?? 5;
  const seeds = new Map<number, number[]>();
  const pairs: (readonly [number, number])[] = [];
  for (const { user, item } of views) {
    if (heldOutSet.has(item)) {
      const list = seeds.get(item) ?? [];
      if (list.length >= seedViews || list.includes(user)) continue;
      list.push(user);
      seeds.set(item, list);
    }
    pairs.push([user, item]);
  }
  const log = interestLog(population.size, catalogue.size, pairs);
  const share = options.positiveShare ?? 0.1;
  const caseOf = (item: number): AudienceCase => {
    const excluded = seeds.get(item) ?? [];
    const skip = new Set(excluded);
    const candidates = [...Array(population.size).keys()].filter((user) => !skip.has(user));
    const affinity = new Map(candidates.map((user) => [user, expectedSatisfaction(world, user, item)]));
    candidates.sort((a, b) => affinity.get(b)! - affinity.get(a)! || a - b);
    return {
      item,
      positives: candidates.slice(0, Math.max(1, Math.round(share * candidates.length))),
      excluded,
    };
  };
  const itemTokens = Array.from({ length: catalogue.size }, (_, item) => {
    const tokens = [
      `category:${catalogue.categoryNames[catalogue.category[item]!]}`,
      `author:${catalogue.authorIds[catalogue.author[item]!]}`,
    ];
    if (catalogue.tags[item] !== '') tokens.push(`tag:${catalogue.tags[item]}`);
    return tokens;
  });
  return {
    world,
    log,
    itemTokens,
    cases: testItems.map(caseOf),
    validation: { log, cases: validationItems.map(caseOf) },
  };
}
