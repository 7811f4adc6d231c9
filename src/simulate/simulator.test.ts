import { beforeAll, describe, expect, it } from 'vitest';
import { runAbTest } from './ab-test.js';
import type { Environment } from './environment.js';
import { FanGraph } from './fan-graph.js';
import { findPolicy } from './policies.js';
import { fillRandom, type PolicyFactory } from './policy.js';
import { SeenItems, UserHistory } from './seen-items.js';
import { SimulationState } from './simulation-state.js';
import { simulateDays } from './simulator.js';
import { smallEnvironment } from './test-support/small-world.js';
import { taste } from './world.js';

/** Shows the candidates the user likes most (sign 1) or least (sign -1) of 50 random ones. */
function tastePolicy(name: string, sign: number): PolicyFactory {
  return {
    name,
    description: 'test policy',
    create: ({ world, random }) => {
      const pool = new Int32Array(50);
      return {
        name,
        rank(request, out) {
          fillRandom({ ...request, size: pool.length }, pool, 0, random, world.catalogue.size);
          const sorted = [...pool].sort(
            (a, b) => sign * (taste(world, request.user, b) - taste(world, request.user, a)),
          );
          for (let k = 0; k < request.size; k++) out[k] = sorted[k]!;
        },
      };
    },
  };
}

const withoutTime = <T extends { seconds: number }>(report: T) => ({ ...report, seconds: 0 });

describe('simulator', () => {
  let environment: Environment;
  beforeAll(async () => {
    environment = await smallEnvironment();
  });

  it('is deterministic for a seed and changes with it', async () => {
    const options = {
      policies: ['pop', 'random'].map(findPolicy),
      days: 2,
      users: 200,
      seeds: 2,
      warmupDays: 1,
    };
    const first = await runAbTest(environment, { ...options, seed: 9 });
    const again = await runAbTest(environment, { ...options, seed: 9 });
    const other = await runAbTest(environment, { ...options, seed: 10 });
    expect(withoutTime(again)).toEqual(withoutTime(first));
    expect(other.policies[0]!.stayTimePerUserDay.mean).not.toBe(first.policies[0]!.stayTimePerUserDay.mean);
  });

  it('keeps users longer and brings them back more when they are satisfied', async () => {
    const report = await runAbTest(environment, {
      policies: [tastePolicy('worst', -1), tastePolicy('best', 1)],
      days: 4,
      users: 300,
      seeds: 2,
      warmupDays: 0,
    });
    const [worst, best] = report.policies;
    expect(best!.satisfactionPerImpression.mean).toBeGreaterThan(worst!.satisfactionPerImpression.mean + 0.2);
    // Longer sessions: more impressions per active day.
    const perActiveDay = (policy: typeof best) => policy!.impressionsPerUserDay.mean / policy!.dau.mean;
    expect(perActiveDay(best)).toBeGreaterThan(1.5 * perActiveDay(worst));
    expect(best!.retention.mean).toBeGreaterThan(worst!.retention.mean + 0.03);
    expect(best!.dau.mean).toBeGreaterThan(worst!.dau.mean);
    expect(report.comparisons[0]!.stayTimeLiftPct.ci95[0]).toBeGreaterThan(0);
    expect(best!.signals.is_like.mean).toBeGreaterThan(worst!.signals.is_like.mean);
    expect(best!.signals.is_hate.mean).toBeLessThan(worst!.signals.is_hate.mean);
  });

  it('never shows a user the same video twice and turns follows into creator-fan links', async () => {
    const { world, params, reference } = environment;
    const state = new SimulationState(world, reference);
    const policy = await findPolicy('random').create({
      world,
      training: { numUsers: world.population.size, numItems: world.catalogue.size, sequences: [] },
      random: new (await import('../core/index.js')).Random(1),
      logger: { info() {}, warn() {}, error() {}, debug() {} },
      progress: { start() {}, update() {}, stop() {} },
    });
    const shown = new Map<number, Set<number>>();
    let repeats = 0;
    let follows = 0;
    let satisfactionLogged = false;
    const pages = new Map<number, number[]>();
    simulateDays(world, params, reference, state, {
      days: 3,
      assignment: new Int32Array(world.population.size),
      policies: [policy],
      seed: 4,
      sink: {
        impression: ({ user, item, outcome, request, position }) => {
          const page = pages.get(request) ?? [];
          pages.set(request, page);
          page.push(position);
          const items = shown.get(user) ?? new Set();
          shown.set(user, items);
          if (items.has(item)) repeats++;
          items.add(item);
          follows += outcome.follow;
          satisfactionLogged ||= !(outcome.satisfaction > 0 && outcome.satisfaction < 1);
        },
      },
    });
    expect(repeats).toBe(0);
    // Impressions of one request are its page, in rank order (a session may leave mid-page).
    for (const positions of pages.values()) expect(positions).toEqual(positions.map((_, k) => k));
    expect(Math.max(...[...pages.values()].map((positions) => positions.length))).toBe(10);
    expect(satisfactionLogged).toBe(false);
    expect(follows).toBeGreaterThan(0);
    expect(state.fans.links).toBe(follows);
    const author = state.fans.authors()[0]!;
    const fans = state.fans.fansOf(author);
    expect(fans.length).toBeGreaterThan(0);
    expect(state.fans.fanHours(author).reduce((sum, count) => sum + count, 0)).toBeGreaterThan(0);
  });
});

describe('simulator state', () => {
  it('tracks seen items in a bitset and a list', () => {
    const seen = new SeenItems(100);
    seen.add(3);
    seen.add(99);
    seen.add(3);
    expect(seen.has(3) && seen.has(99) && !seen.has(4)).toBe(true);
    expect([...seen.items()]).toEqual([3, 99]);
    const copy = seen.clone();
    seen.add(5);
    expect(copy.has(5)).toBe(false);
  });

  it('keeps the most recent history items', () => {
    const history = new UserHistory(new Int32Array([1, 2]), 3);
    for (let item = 3; item <= 20; item++) history.push(item);
    expect([...history.recent()]).toEqual([18, 19, 20]);
  });

  it('answers when the fans of a creator watch', () => {
    const fans = new FanGraph(3);
    fans.follow(0, 7);
    fans.follow(2, 7);
    fans.recordWatch(0, 20);
    fans.recordWatch(2, 20);
    fans.recordWatch(1, 9);
    expect(fans.fansOf(7)).toEqual([0, 2]);
    expect(fans.isFollowing(1, 7)).toBe(false);
    expect(fans.fanHours(7)[20]).toBe(2);
    expect(fans.fanHours(7)[9]).toBe(0);
  });
});
