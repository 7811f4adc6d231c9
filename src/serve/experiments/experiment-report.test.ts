import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asEstimate, differenceInterval, estimate } from '../../statistics/index.js';
import type { EventInput, FeedInput, Store } from '../../storage/index.js';
import { tinyStore } from '../pipelines/test-support/tiny-world.js';
import { experimentReport, formatExperimentReport } from './experiment-report.js';
import { StageLedger } from './stage-ledger.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 1, 2);

let store: Store;
let dispose: () => Promise<void>;
beforeEach(async () => {
  ({ store, dispose } = await tinyStore());
});
afterEach(() => dispose());

/**
 * Each user: one feed per active day (cpuMs given), and on each day one event
 * per item watched, with its play time and signals.
 */
interface Plan {
  pipeline: string;
  user: string;
  days: Array<{ day: number; watches: Array<{ seconds: number; like?: 1; longView?: 1 }> }>;
  cpuMs: number;
}

async function seed(plans: readonly Plan[], experiment = 'ab'): Promise<void> {
  const feeds: FeedInput[] = [];
  const events: EventInput[] = [];
  for (const plan of plans)
    for (const { day, watches } of plan.days) {
      const requestId = `${plan.user}-${day}`;
      const time = T0 + day * DAY + 3_600_000;
      feeds.push({
        requestId,
        userId: plan.user,
        pipeline: plan.pipeline,
        experiment,
        time,
        items: watches.map((_, i) => ({ itemId: `video-${i}` })),
        latencyMs: 2 * plan.cpuMs,
        cpuMs: plan.cpuMs,
      });
      watches.forEach((watch, i) => {
        events.push({
          id: `${requestId}-${i}`,
          userId: plan.user,
          itemId: `video-${i}`,
          time: time + 1000 * (i + 1),
          requestId,
          pipeline: plan.pipeline,
          experiment,
          position: i,
          signals: {
            playTimeMs: watch.seconds * 1000,
            click: 1,
            ...(watch.like && { like: 1 }),
            ...(watch.longView && { longView: 1 }),
          },
        });
      });
    }
  await store.insertFeeds(feeds);
  await store.upsertEvents(events, { createMissing: true });
}

const oneDay = (seconds: number[], extra: Partial<{ like: 1; longView: 1 }> = {}) =>
  seconds.map((s) => ({ seconds: s, ...extra }));

describe('experimentReport', () => {
  it('gives per-pipeline means with 95% t intervals over users, and the comparison with the cascade', async () => {
    await seed([
      // generative: 10, 20, 30, 40 s per user-day; everyone likes.
      {
        pipeline: 'generative',
        user: 'g0',
        cpuMs: 1,
        days: [{ day: 0, watches: oneDay([10], { like: 1 }) }],
      },
      {
        pipeline: 'generative',
        user: 'g1',
        cpuMs: 1,
        days: [{ day: 0, watches: oneDay([5, 15], { like: 1 }) }],
      },
      {
        pipeline: 'generative',
        user: 'g2',
        cpuMs: 1,
        days: [{ day: 0, watches: oneDay([30], { like: 1 }) }],
      },
      {
        pipeline: 'generative',
        user: 'g3',
        cpuMs: 1,
        days: [
          { day: 0, watches: oneDay([40], { like: 1 }) },
          { day: 1, watches: oneDay([40], { like: 1 }) },
        ],
      },
      // cascade: 5, 5, 10, 20 s per user-day; half the events liked; 10 ms CPU.
      {
        pipeline: 'cascade',
        user: 'c0',
        cpuMs: 10,
        days: [{ day: 0, watches: [{ seconds: 5, like: 1 }, { seconds: 0 }] }],
      },
      {
        pipeline: 'cascade',
        user: 'c1',
        cpuMs: 10,
        days: [{ day: 0, watches: [{ seconds: 5, like: 1 }, { seconds: 0 }] }],
      },
      {
        pipeline: 'cascade',
        user: 'c2',
        cpuMs: 10,
        days: [{ day: 0, watches: [{ seconds: 10, like: 1 }, { seconds: 0 }] }],
      },
      {
        pipeline: 'cascade',
        user: 'c3',
        cpuMs: 10,
        days: [{ day: 2, watches: [{ seconds: 20, like: 1 }, { seconds: 0 }] }],
      },
    ]);
    // A feed of another experiment stays out of the report.
    await seed(
      [{ pipeline: 'generative', user: 'x', cpuMs: 99, days: [{ day: 0, watches: oneDay([999]) }] }],
      'other',
    );

    const report = await experimentReport(store, { experiment: 'ab' });
    expect(report.pipelines.map((p) => p.pipeline)).toEqual(['cascade', 'generative']);
    const [cascade, generative] = report.pipelines as [
      (typeof report.pipelines)[0],
      (typeof report.pipelines)[0],
    ];
    expect(generative).toMatchObject({
      requests: 5,
      users: 4,
      events: 6,
      cpuMsPerRequest: 1,
      latencyMsPerRequest: 2,
    });
    // mean 25, sd 12.91, t(3) = 3.182: 25 +- 20.54.
    expect(generative.stayTimePerUserDay.mean).toBeCloseTo(25, 9);
    expect(generative.stayTimePerUserDay.ci95[0]).toBeCloseTo(4.46, 2);
    expect(generative.stayTimePerUserDay.ci95[1]).toBeCloseTo(45.54, 2);
    expect(generative.signalRates.like).toEqual({ mean: 1, ci95: [1, 1] });
    expect(generative.returningUsers.mean).toBeCloseTo(0.25, 9);
    expect(cascade.stayTimePerUserDay).toEqual(estimate([5, 5, 10, 20]));
    expect(cascade.signalRates.like.mean).toBeCloseTo(0.5, 9);
    expect(cascade.signalRates.click.mean).toBeCloseTo(1, 9);
    expect(cascade.cpuMsPerRequest).toBe(10);

    expect(report.comparisons).toHaveLength(1);
    const comparison = report.comparisons[0]!;
    expect(comparison).toMatchObject({ pipeline: 'generative', baseline: 'cascade' });
    expect(comparison.stayTimeDifference).toEqual(
      asEstimate(differenceInterval([10, 20, 30, 40], [5, 5, 10, 20], { critical: 1.96 })),
    );
    expect(comparison.stayTimeDifference.mean).toBeCloseTo(15, 9);
    expect(comparison.stayTimeLift).toBeCloseTo(15 / 10, 9);
    expect(comparison.cpuRatio).toBeCloseTo(0.1, 9);

    const text = formatExperimentReport(report);
    expect(text).toContain('generative vs cascade: stay time 15.0');
    expect(text).toContain('cpu ratio 0.100');
  });

  it('adds per-stage costs and latency percentiles from the service ledger', async () => {
    await seed([{ pipeline: 'generative', user: 'g0', cpuMs: 3, days: [{ day: 0, watches: oneDay([10]) }] }]);
    const ledger = new StageLedger();
    for (let i = 1; i <= 100; i++)
      ledger.record(
        'generative',
        { encode: { latencyMs: 1, cpuMs: 0.5 }, beam: { latencyMs: i, cpuMs: 2 } },
        i,
      );
    const report = await experimentReport(store, { costs: ledger.costs() });
    const generative = report.pipelines[0]!;
    expect(generative.stages).toEqual({
      encode: { latencyMs: 1, cpuMs: 0.5 },
      beam: { latencyMs: 50.5, cpuMs: 2 },
    });
    expect(generative.p50Ms).toBe(50);
    expect(generative.p99Ms).toBe(99);
    expect(report.comparisons).toEqual([]); // no cascade served
    // One user: a mean with a zero-width interval; no events: NaN rates.
    expect(generative.stayTimePerUserDay).toEqual({ mean: 10, ci95: [10, 10] });
  });
});
