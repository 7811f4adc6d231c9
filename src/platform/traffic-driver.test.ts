import { describe, expect, it } from 'vitest';
import { calibratedEnvironment, playgroundWorld, shippedSummary } from '../simulate/index.js';
import type { DriverEvent, FeedApi } from './feed-api.js';
import { TrafficDriver } from './traffic-driver.js';

/** A server stand-in: each user gets the next ten catalogue items not yet shown; even users "generative". */
function fakeApi(numItems: number): FeedApi & { events: DriverEvent[]; feeds: number } {
  const shown = new Map<string, number>();
  const api = {
    events: [] as DriverEvent[],
    feeds: 0,
    async feed(userId: string, n: number) {
      const start = shown.get(userId) ?? (Number(userId) * 37) % numItems;
      shown.set(userId, start + n);
      const id = api.feeds++;
      return {
        requestId: `r${userId}-${start}`,
        pipeline: Number(userId) % 2 === 0 ? 'generative' : 'cascade',
        itemIds: Array.from({ length: n }, (_, k) => String((start + k) % numItems)),
        cpuMs: 1 + (id % 3),
        latencyMs: 2,
      };
    },
    async postEvents(events: readonly DriverEvent[]) {
      api.events.push(...events);
    },
  };
  return api;
}

describe('TrafficDriver', () => {
  it('drives simulated days reproducibly and posts one event per watched item with its request and position', async () => {
    const world = playgroundWorld(shippedSummary(), { users: 60, items: 300, seed: 4 });
    const environment = await calibratedEnvironment(world, { sampleSize: 5000, days: 1, seed: 4 });
    const run = async () => {
      const api = fakeApi(300);
      const driver = new TrafficDriver(environment, api, { secondsPerDay: 0.4, seed: 9, startTime: 0 });
      await driver.drive({ days: 2 });
      return { api, summary: driver.tally.summary() };
    };
    const first = await run();
    const second = await run();
    expect(first.api.events.length).toBeGreaterThan(50);
    const key = (event: DriverEvent) =>
      `${event.id}:${event.signals.playTimeMs}:${event.signals.click}:${event.signals.like}`;
    expect(second.api.events.map(key).sort()).toEqual(first.api.events.map(key).sort());
    for (const event of first.api.events) {
      expect(event.id).toBe(`${event.requestId}:${event.position}`);
      expect(event.pipeline).toBe(Number(event.userId) % 2 === 0 ? 'generative' : 'cascade');
      expect(event.time).toBeGreaterThanOrEqual(0);
      expect(event.time).toBeLessThan(2 * 86_400_000 + 86_400_000);
    }
    const { summary } = first;
    expect(summary.simulatedDays).toBe(2);
    expect(summary.pipelines.map((pipeline) => pipeline.name)).toEqual(['cascade', 'generative']);
    const impressions = summary.pipelines.reduce((sum, pipeline) => sum + pipeline.impressions, 0);
    expect(impressions).toBe(first.api.events.length);
    expect(summary.eventsPosted).toBe(first.api.events.length);
    for (const pipeline of summary.pipelines) {
      expect(pipeline.cpuMsPerRequest).toBeGreaterThanOrEqual(1);
      expect(pipeline.cpuMsPerRequest).toBeLessThanOrEqual(3);
      const stay = first.api.events
        .filter((event) => event.pipeline === pipeline.name)
        .reduce(
          (sum, event) =>
            sum +
            event.signals.playTimeMs! +
            event.signals.profileStayTimeMs! +
            event.signals.commentStayTimeMs!,
          0,
        );
      expect(pipeline.stayTimePerUserDay * pipeline.userDays).toBeCloseTo(stay / 1000, 3);
    }
    expect(summary.cpuRatio?.generative).toBeGreaterThan(0);
  }, 30_000);

  it('stops: no page is asked after stop()', async () => {
    const world = playgroundWorld(shippedSummary(), { users: 30, items: 200, seed: 2 });
    const environment = await calibratedEnvironment(world, { sampleSize: 2000, days: 1, seed: 2 });
    const api = fakeApi(200);
    const driver = new TrafficDriver(environment, api, { secondsPerDay: 30, seed: 1 });
    setTimeout(() => driver.stop(), 300);
    const started = performance.now();
    await driver.drive();
    expect(performance.now() - started).toBeLessThan(5000);
    const asked = api.feeds;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(api.feeds).toBe(asked);
  }, 30_000);
});
