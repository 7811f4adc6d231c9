import { type Logger, type Progress, Random, silentLogger, silentProgress } from '../core/index.js';
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
} from '../simulate/index.js';
import {
  type AudienceBenchmark,
  type ExposureAudienceOptions,
  exposureAudience,
} from '../understand/index.js';

export interface SimulatorAudienceOptions extends Omit<ExposureAudienceOptions, 'random'> {
  /** Summary figures the world is drawn from; default the shipped playground summary. */
  summary?: PlaygroundSummary;
  /** Default 1,000. */
  users?: number;
  /** Default 2,000. */
  items?: number;
  /** Days of random-policy exposure logged; default 7. */
  days?: number;
  seed?: number;
  logger?: Logger;
  progress?: Progress;
}

/**
 * The simulator's audience protocol (docs/understand.md): a calibrated
 * playground world, `days` days of uniformly random exposure, long views as
 * interest, and the world's hidden expected satisfaction as the truth of
 * `exposureAudience`. Item tokens: category, KuaiRand tag, author. It lives
 * here, above both, so audience finding does not depend on the simulator.
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
  const itemTokens = Array.from({ length: catalogue.size }, (_, item) => {
    const tokens = [
      `category:${catalogue.categoryNames[catalogue.category[item]!]}`,
      `author:${catalogue.authorIds[catalogue.author[item]!]}`,
    ];
    if (catalogue.tags[item] !== '') tokens.push(`tag:${catalogue.tags[item]}`);
    return tokens;
  });
  const benchmark = exposureAudience(
    {
      numUsers: population.size,
      numItems: catalogue.size,
      views,
      itemTokens,
      affinity: (user, item) => expectedSatisfaction(world, user, item),
    },
    { ...options, random },
  );
  return { world, ...benchmark };
}
