import { beforeAll, describe, expect, it } from 'vitest';
import { Random, silentLogger, silentProgress } from '../core/index.js';
import { runAbTest } from './ab-test.js';
import { calibrationReport, formatCalibration } from './calibration-report.js';
import type { WorldStrengths } from './departures.js';
import { calibratedEnvironment, type Environment, measureCalibration } from './environment.js';
import { playgroundWorld } from './playground-world.js';
import { findPolicy } from './policies.js';
import { fillRandom, type PolicyFactory } from './policy.js';
import { emptyOutcome, initialParams, respond } from './response-model.js';
import { emptyShape, fillShape, withSatisfactionWorld } from './satisfaction-world.js';
import { endUserDay, returnsToday, runSession } from './session.js';
import { SimulationState } from './simulation-state.js';
import { simulateDays } from './simulator.js';
import { shippedSummary } from './summary.js';
import type { World } from './world.js';

const baseWorld = () => playgroundWorld(shippedSummary(), { users: 300, items: 1500, seed: 5 });
const only = (strengths: Partial<WorldStrengths>) => (world: World) =>
  withSatisfactionWorld(world, {
    strength: 0,
    strengths: { durationBias: 0, temptation: 0, expression: 0, longRun: 0, ...strengths },
  });

/** Every impression of a 3-day random-policy run, flattened: the run's whole observable output. */
async function runRows(environment: Environment): Promise<Float64Array> {
  const { world, params, reference } = environment;
  const policy = await findPolicy('random').create({
    world,
    training: { numUsers: world.population.size, numItems: world.catalogue.size, sequences: [] },
    random: new Random(1),
    logger: silentLogger,
    progress: silentProgress,
  });
  const rows: number[] = [];
  simulateDays(world, params, reference, new SimulationState(world, reference), {
    days: 3,
    assignment: new Int32Array(world.population.size),
    policies: [policy],
    sink: {
      impression: ({ user, item, timeMs, request, outcome }) => {
        rows.push(user, item, timeMs, request, outcome.playTimeMs, outcome.satisfaction);
        rows.push(outcome.click, outcome.longView, outcome.like, outcome.follow, outcome.comment);
        rows.push(outcome.forward, outcome.hate, outcome.profileEnter);
      },
    },
    seed: 11,
  });
  return Float64Array.from(rows);
}

/** Mean response to `item` over `draws` impressions at standardised taste 0, in `world`'s shape for user 0. */
function meanResponse(world: World, item: number, draws = 20_000) {
  const random = new Random(17);
  const outcome = emptyOutcome();
  const shape = world.departures ? fillShape(world.departures, 0, item, emptyShape()) : undefined;
  const durationMs = world.catalogue.durationMs[item]!;
  let play = 0;
  let kept = 0;
  let fraction = 0;
  let click = 0;
  let satisfaction = 0;
  for (let k = 0; k < draws; k++) {
    respond(initialParams, 0, 0, durationMs, true, random, outcome, shape);
    play += outcome.playTimeMs;
    click += outcome.click;
    satisfaction += outcome.satisfaction;
    if (outcome.click && outcome.playTimeMs < durationMs) {
      kept++;
      fraction += (outcome.playTimeMs - 7000) / (durationMs - 7000);
    }
  }
  return {
    play: play / draws,
    fraction: fraction / kept,
    click: click / draws,
    satisfaction: satisfaction / draws,
  };
}

/** Ranks 50 random unseen videos by allure, most (sign 1) or least (sign -1) alluring first. */
function allurePolicy(name: string, sign: number): PolicyFactory {
  return {
    name,
    description: 'test policy',
    create: ({ world, random }) => {
      const pool = new Int32Array(50);
      const allure = world.departures!.allure;
      return {
        name,
        rank(request, out) {
          fillRandom({ ...request, size: pool.length }, pool, 0, random, world.catalogue.size);
          const sorted = [...pool].sort((a, b) => sign * (allure[b]! - allure[a]!));
          for (let k = 0; k < request.size; k++) out[k] = sorted[k]!;
        },
      };
    },
  };
}

describe('satisfaction world', () => {
  it("at strength 0 reproduces today's world bit for bit (fit, reference and every impression)", async () => {
    const today = await calibratedEnvironment(baseWorld(), { seed: 5 });
    const zero = await calibratedEnvironment(withSatisfactionWorld(baseWorld(), { strength: 0, seed: 5 }), {
      seed: 5,
    });
    expect(zero.params).toEqual(today.params);
    expect(zero.reference).toEqual(today.reference);
    const [expected, actual] = [await runRows(today), await runRows(zero)];
    expect(actual.length).toBe(expected.length);
    expect(actual.findIndex((value, k) => !Object.is(value, expected[k]))).toBe(-1);
  }, 60_000);

  it('refuses strengths outside 0..4', () => {
    expect(() => withSatisfactionWorld(baseWorld(), { strength: 4.5 })).toThrow(
      /strength must be within 0..4, got 4.5/,
    );
    expect(() => withSatisfactionWorld(baseWorld(), { strength: 1, strengths: { temptation: -1 } })).toThrow(
      /temptation must be within 0..4/,
    );
    expect(() => withSatisfactionWorld(baseWorld(), { strength: Number.NaN })).toThrow(RangeError);
  });

  it('duration bias: at equal taste long videos are watched a larger share, so watch time over-rewards length', () => {
    const world = baseWorld();
    const durations = world.catalogue.durationMs;
    const long = durations.findIndex((d) => d >= 200_000 && d <= 400_000);
    const short = durations.findIndex((d) => d >= 25_000 && d <= 40_000);
    const biased = only({ durationBias: 1 })(world);
    const unbiased = only({})(world);
    const at1 = { long: meanResponse(biased, long), short: meanResponse(biased, short) };
    const at0 = { long: meanResponse(unbiased, long), short: meanResponse(unbiased, short) };
    expect(Math.abs(at0.long.fraction - at0.short.fraction)).toBeLessThan(0.02);
    expect(at1.long.fraction - at1.short.fraction).toBeGreaterThan(0.08);
    expect(at1.long.play / at1.short.play).toBeGreaterThan(1.3 * (at0.long.play / at0.short.play));
    // The value of the impression does not grow with its length.
    expect(at1.long.satisfaction).toBeCloseTo(at1.short.satisfaction, 2);
  });

  it('temptation: alluring videos raise clicks now and lower the hidden satisfaction', () => {
    const world = only({ temptation: 1 })(baseWorld());
    const allure = world.departures!.allure;
    const alluring = allure.findIndex((a, item) => a > 0.9 && world.catalogue.durationMs[item]! > 20_000);
    const plain = allure.findIndex((a, item) => a < 0.1 && world.catalogue.durationMs[item]! > 20_000);
    const [high, low] = [meanResponse(world, alluring), meanResponse(world, plain)];
    expect(high.click - low.click).toBeGreaterThan(0.1);
    expect(low.satisfaction - high.satisfaction).toBeGreaterThan(0.2);
  });

  it('temptation with the long run: an alluring feed gets more clicks and fewer returning users', async () => {
    const environment = await calibratedEnvironment(only({ temptation: 1, longRun: 1 })(baseWorld()), {
      seed: 5,
    });
    const report = await runAbTest(environment, {
      policies: [allurePolicy('plain', -1), allurePolicy('alluring', 1)],
      days: 4,
      users: 300,
      seeds: 2,
      warmupDays: 0,
      seed: 3,
    });
    const [plain, alluring] = report.policies;
    expect(alluring!.signals.is_click.mean).toBeGreaterThan(plain!.signals.is_click.mean + 0.05);
    expect(alluring!.satisfactionPerImpression.mean).toBeLessThan(
      plain!.satisfactionPerImpression.mean - 0.1,
    );
    expect(alluring!.dau.mean).toBeLessThan(plain!.dau.mean);
    expect(alluring!.satisfactionStock.mean).toBeLessThan(plain!.satisfactionStock.mean);
  }, 60_000);

  it('heterogeneous expression: per-signal propensities spread and part from each other', () => {
    const world = baseWorld();
    const at1 = only({ expression: 1 })(world).departures!.propensity;
    const at0 = only({})(world).departures!.propensity;
    const column = (values: Float64Array, k: number) => values.filter((_, index) => index % 4 === k);
    const sd = (values: Float64Array) => {
      const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
      return Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length);
    };
    const correlation = (a: Float64Array, b: Float64Array) => {
      const [ma, mb] = [a, b].map((values) => values.reduce((sum, value) => sum + value, 0) / values.length);
      let ab = 0;
      for (let k = 0; k < a.length; k++) ab += (a[k]! - ma!) * (b[k]! - mb!);
      return ab / a.length / (sd(a) * sd(b));
    };
    expect(column(at0, 0)).toEqual(column(at0, 2));
    expect(sd(column(at1, 0))).toBeGreaterThan(1.4);
    expect(sd(column(at1, 0))).toBeLessThan(1.8);
    const shared = correlation(column(at1, 0), column(at1, 2));
    expect(shared).toBeGreaterThan(0.4);
    expect(shared).toBeLessThan(0.75);
    // The same taste gives users very different like rates: the spread of per-user like rates grows.
    const likeRates = (departures: World) => {
      const random = new Random(2);
      const outcome = emptyOutcome();
      const shape = emptyShape();
      return Float64Array.from({ length: 100 }, (_, user) => {
        let likes = 0;
        fillShape(departures.departures!, user, 0, shape);
        for (let k = 0; k < 2000; k++)
          likes += respond(initialParams, 0, 0, 30_000, true, random, outcome, shape).like;
        return likes / 2000;
      });
    };
    expect(sd(likeRates(only({ expression: 1 })(world)))).toBeGreaterThan(
      1.5 * sd(likeRates(only({})(world))),
    );
  });

  it('satisfaction drives the long run: the stock lengthens sessions, brings users back and keeps them from churning', async () => {
    const environment = await calibratedEnvironment(only({ longRun: 1 })(baseWorld()), { seed: 5 });
    const { world, params, reference } = environment;
    const page = Int32Array.from({ length: 10 }, (_, k) => k);
    const withStock = (stock: number) => {
      const state = new SimulationState(world, reference);
      state.satisfactionStock.fill(stock);
      return state;
    };
    const sessionLength = (stock: number) => {
      const state = withStock(stock);
      const random = new Random(4);
      let impressions = 0;
      for (let session = 0; session < 400; session++) {
        let next = 0;
        const totals = runSession(
          { world, params, reference, state },
          { user: session % 300, dayStart: 0, timeMs: 0, random },
          {
            page: () => page.map(() => next++ % world.catalogue.size),
            record: () => {},
          },
        );
        impressions += totals.impressions;
      }
      return impressions / 400;
    };
    expect(sessionLength(2)).toBeGreaterThan(1.3 * sessionLength(-2));
    const days = (stock: number) => {
      const state = withStock(stock);
      const random = new Random(5);
      let returns = 0;
      for (let trial = 0; trial < 20; trial++)
        for (let user = 0; user < 300; user++)
          returns += Number(returnsToday({ world, params, reference, state }, user, random));
      return { returns, churned: state.churned.reduce((sum, value) => sum + value, 0) };
    };
    const [good, bad] = [days(2), days(-2)];
    expect(good.returns).toBeGreaterThan(bad.returns);
    expect(bad.churned).toBeGreaterThan(good.churned);
    // The stock takes in a day's satisfaction and decays on idle days; engagement never enters it.
    const state = withStock(0);
    endUserDay(state, 0, { satisfaction: 10 * (reference.mean + reference.sd), impressions: 10 }, reference);
    expect(state.satisfactionStock[0]).toBeCloseTo(1, 6);
    endUserDay(state, 0, { satisfaction: 0, impressions: 0 }, reference);
    expect(state.satisfactionStock[0]).toBeCloseTo(0.7, 6);
  }, 60_000);

  describe('calibration', () => {
    let environment: Environment;
    beforeAll(async () => {
      const world = withSatisfactionWorld(
        playgroundWorld(shippedSummary(), { users: 1500, items: 3000, seed: 3 }),
        {
          strength: 1,
          seed: 3,
        },
      );
      environment = await calibratedEnvironment(world, { seed: 3 });
    }, 180_000);

    it('holds every rate within 10% and every checked co-occurrence within 25% at strength 1', async () => {
      const report = calibrationReport(
        await measureCalibration(environment, { seed: 3 }),
        environment.world.targets,
      );
      const failures = [...report.rates, ...report.cooccurrence].filter((row) => !row.ok);
      expect(failures, formatCalibration(report)).toEqual([]);
    }, 180_000);
  });
});
