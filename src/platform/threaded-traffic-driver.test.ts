import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { calibratedEnvironment, playgroundWorld, shippedSummary } from '../simulate/index.js';
import type { AbSummary } from './ab-summary.js';
import type { DriverEvent } from './feed-api.js';
import { httpFeedApi } from './feed-api.js';
import { simulatePlaygroundData } from './playground-data.js';
import { ThreadedTrafficDriver } from './threaded-traffic-driver.js';
import { TrafficDriver } from './traffic-driver.js';

/**
 * A server stand-in over real HTTP: each user gets the next items not yet
 * shown to them (so a feed depends only on the user's own requests, not on
 * timing); even users "generative".
 */
async function fakeServer(numItems: number) {
  const shown = new Map<string, number>();
  const events: DriverEvent[] = [];
  let feeds = 0;
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    const feed = /^\/v1\/users\/([^/]+)\/feed$/.exec(url.pathname);
    if (request.method === 'GET' && feed) {
      const userId = decodeURIComponent(feed[1]!);
      const n = Number(url.searchParams.get('n'));
      const start = shown.get(userId) ?? (Number(userId) * 37) % numItems;
      shown.set(userId, start + n);
      feeds++;
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          requestId: `r${userId}-${start}`,
          pipeline: Number(userId) % 2 === 0 ? 'generative' : 'cascade',
          items: Array.from({ length: n }, (_, k) => ({ itemId: String((start + k) % numItems) })),
          cpuMs: 1 + (start % 3),
          latencyMs: 2,
        }),
      );
      return;
    }
    if (request.method === 'POST' && url.pathname === '/v1/events') {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        events.push(...(JSON.parse(body) as DriverEvent[]));
        response.statusCode = 202;
        response.end('{}');
      });
      return;
    }
    response.statusCode = 404;
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    events,
    feeds: () => feeds,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The figures of a summary that depend on the draws and the feeds only (not on
 * timing), to 9 digits: sessions finish in a different order, so sums add up in one.
 */
function drawn(summary: AbSummary): unknown {
  const round = (value: unknown): unknown =>
    typeof value === 'number'
      ? Number(value.toPrecision(9))
      : typeof value === 'object' && value !== null
        ? Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, round(inner)]))
        : value;
  return round({
    simulatedDays: summary.simulatedDays,
    eventsPosted: summary.eventsPosted,
    eventErrors: summary.eventErrors,
    stayTimeLift: summary.stayTimeLift,
    cpuRatio: summary.cpuRatio,
    pipelines: summary.pipelines.map(({ p50Ms, p99Ms, clientP99Ms, ...rest }) => rest),
  });
}

const key = (event: DriverEvent) => JSON.stringify(event);

describe('ThreadedTrafficDriver', () => {
  const servers: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });

  it('posts the same events and tallies the same summary as the in-process driver for a seed', async () => {
    const data = await simulatePlaygroundData({
      users: 60,
      items: 300,
      days: 1,
      seed: 4,
      calibrationSample: 5000,
      calibrationDays: 1,
    });
    const { world, reference } = data.environment;
    const options = { secondsPerDay: 0.4, seed: 9, startTime: data.start + 86_400_000 };

    const inProcessServer = await fakeServer(300);
    servers.push(inProcessServer);
    const inProcess = new TrafficDriver(data.environment, httpFeedApi(inProcessServer.url), {
      ...options,
      state: data.state.clone(world, reference),
    });
    inProcess.tally.control = 'cascade';
    await inProcess.drive({ days: 2 });

    const threadedServer = await fakeServer(300);
    servers.push(threadedServer);
    const threaded = new ThreadedTrafficDriver(data.environment, threadedServer.url, {
      ...options,
      state: data.state.clone(world, reference),
      control: 'cascade',
    });
    const summary = await threaded.drive({ days: 2 });

    expect(inProcessServer.events.length).toBeGreaterThan(50);
    expect(threadedServer.events.map(key).sort()).toEqual(inProcessServer.events.map(key).sort());
    expect(drawn(summary)).toEqual(drawn(inProcess.tally.summary()));
    expect(summary.simulatedDays).toBe(2);
    expect(await threaded.summary()).toEqual(summary);
  }, 60_000);

  it('answers summaries while it drives and stops on stop()', async () => {
    const world = playgroundWorld(shippedSummary(), { users: 40, items: 200, seed: 2 });
    const environment = await calibratedEnvironment(world, { sampleSize: 2000, days: 1, seed: 2 });
    const server = await fakeServer(200);
    servers.push(server);
    const driver = new ThreadedTrafficDriver(environment, server.url, { secondsPerDay: 4, seed: 1 });
    const driving = driver.drive();
    const live: AbSummary[] = [];
    while (live.length < 3) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      live.push(await driver.summary());
    }
    driver.stop();
    const final = await driving;
    const asked = server.feeds();
    const requests = (summary: AbSummary) =>
      summary.pipelines.reduce((sum, pipeline) => sum + pipeline.requests, 0);
    expect(requests(live[2]!)).toBeGreaterThan(0);
    expect(requests(final)).toBeGreaterThanOrEqual(requests(live[2]!));
    expect(requests(final)).toBe(asked);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.feeds()).toBe(asked);
  }, 60_000);
});
