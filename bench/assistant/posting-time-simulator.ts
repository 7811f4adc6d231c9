/**
 * Posting-time backtest on simulated creators: a playground simulation (the
 * simulator's follows make the fan graph, its users watch around their own
 * peak hours), fans and their activity from the first weeks, scored on the
 * fans' activity in the week after.
 */

import {
  decayWeight,
  fanActivityDefaults,
  hourOfWeek,
  type PostingTimeOptions,
} from '../../src/assistant/index.js';
import { Random, silentLogger, silentProgress } from '../../src/core/index.js';
import {
  calibratedEnvironment,
  findPolicy,
  playgroundWorld,
  readSummary,
  SimulationState,
  simulateDays,
} from '../../src/simulate/index.js';
import { type BacktestScore, scoreWindows } from './posting-time-score.js';

export interface SimulatorBacktestOptions {
  users: number;
  items: number;
  fitDays: number;
  testDays: number;
  minFans: number;
  seed: number;
  summaryPath: string;
  windows: PostingTimeOptions;
}

export interface SimulatorBacktest {
  creators: number;
  fanLinks: number;
  impressions: number;
  scores: Record<string, BacktestScore>;
}

export async function simulatorBacktest(options: SimulatorBacktestOptions): Promise<SimulatorBacktest> {
  const world = playgroundWorld(readSummary(options.summaryPath), {
    users: options.users,
    items: options.items,
    seed: options.seed,
  });
  const { params, reference } = await calibratedEnvironment(world, { seed: options.seed });
  const policy = await findPolicy('logging').create({
    world,
    training: { numUsers: options.users, numItems: options.items, sequences: [] },
    random: new Random(options.seed + 1),
    logger: silentLogger,
    progress: silentProgress,
  });
  const state = new SimulationState(world, reference);
  const users = world.population.size;
  // [users, 168] impressions by hour of week, before and after the cut.
  const fitHours = new Float64Array(users * 168);
  const fitWeighted = new Float64Array(users * 168); // recency-weighted as fanActivity does, seen from the cut
  const testHours = new Float64Array(users * 168);
  const startMs = Date.parse('2022-04-08T00:00:00Z');
  const cutMs = startMs + options.fitDays * 86_400_000;
  let testing = false;
  const sink = {
    impression(impression: { user: number; timeMs: number }) {
      const slot = impression.user * 168 + hourOfWeek(impression.timeMs);
      if (testing) {
        testHours[slot]!++;
      } else {
        fitHours[slot]!++;
        fitWeighted[slot]! += decayWeight(cutMs - impression.timeMs, fanActivityDefaults.halfLifeDays);
      }
    },
  };
  const assignment = new Int32Array(users);
  let impressions = simulateDays(world, params, reference, state, {
    days: options.fitDays,
    assignment,
    policies: [policy],
    sink,
    seed: options.seed + 2,
  });
  // Fans as of the cut: the follow graph the creator would see on the day they ask.
  const fans = new Map(state.fans.authors().map((author) => [author, state.fans.fansOf(author)]));
  testing = true;
  impressions += simulateDays(world, params, reference, state, {
    days: options.testDays,
    assignment,
    policies: [policy],
    sink,
    seed: options.seed + 3,
    startDate: new Date(Date.parse('2022-04-08T00:00:00Z') + options.fitDays * 86_400_000)
      .toISOString()
      .slice(0, 10),
  });
  const creators: Array<{ fit: Float64Array; fitUnweighted: Float64Array; test: Float64Array }> = [];
  let fanLinks = 0;
  for (const followers of fans.values()) {
    fanLinks += followers.length;
    if (followers.length < options.minFans) continue;
    const fit = new Float64Array(168);
    const fitUnweighted = new Float64Array(168);
    const test = new Float64Array(168);
    for (const fan of followers) {
      for (let h = 0; h < 168; h++) {
        fit[h]! += fitWeighted[fan * 168 + h]!;
        fitUnweighted[h]! += fitHours[fan * 168 + h]!;
        test[h]! += testHours[fan * 168 + h]!;
      }
    }
    creators.push({ fit, fitUnweighted, test });
  }
  const global = new Float64Array(168);
  for (let k = 0; k < fitHours.length; k++) global[k % 168]! += fitHours[k]!;
  return {
    creators: creators.length,
    fanLinks,
    impressions,
    scores: scoreWindows(creators, global, options.windows),
  };
}
