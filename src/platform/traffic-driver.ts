import { Random } from '../core/index.js';
import {
  dynamicsDesign,
  type Environment,
  endUserDay,
  eventSignals,
  returnsToday,
  runSessionAsync,
  type SessionContext,
  type SessionTotals,
  SimulationState,
  sessionHour,
  sessionsToday,
} from '../simulate/index.js';
import { AbTally } from './ab-summary.js';
import type { DriverEvent, DriverFeed, FeedApi } from './feed-api.js';

export interface TrafficDriverOptions {
  /** Real seconds one simulated day takes (time of day compressed; default 60). */
  secondsPerDay?: number;
  /** Unix ms of the first driven simulated day's midnight (default: today's UTC midnight). */
  startTime?: number;
  /** The population's users driven (default: all). */
  users?: number;
  /** Items asked per feed request (default the simulator's page, 10). */
  pageSize?: number;
  /** Sessions running at once at most; later sessions wait (default 64). */
  maxConcurrentSessions?: number;
  seed?: number;
  /**
   * Where the simulated users start: the warm-up simulation's state (histories,
   * seen items, follows, recent satisfaction). Default: a fresh state.
   */
  state?: SimulationState;
}

export interface DriveOptions {
  /** Stop after this many wall seconds (in-flight pages finish and post their events). */
  seconds?: number;
  /** Stop after this many simulated days. */
  days?: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * Simulated users against a genfeed server over HTTP: each active user-day
 * they open sessions at their usual hours (the simulator's return and session
 * model), ask `GET /v1/users/{id}/feed` for a page, respond to each served
 * item with the calibrated response model (play time, the 12 signals), leave
 * when satisfaction runs low, and post the page's events (with request id,
 * pipeline and position) to `POST /v1/events`. Simulated time runs
 * `86400 / secondsPerDay` times faster than the wall clock, so sessions overlap
 * as real traffic does. Every draw comes from a generator seeded by (seed, day,
 * user, session): given the same feeds, a run is reproducible; only what the
 * server serves (which depends on timing) can differ between runs.
 */
export class TrafficDriver {
  readonly tally = new AbTally();
  readonly #context: SessionContext;
  readonly #api: FeedApi;
  readonly #users: number;
  readonly #pageSize: number;
  readonly #maxConcurrent: number;
  readonly #seed: number;
  readonly #msPerSimMs: number;
  readonly #startTime: number;
  readonly #itemIndex: Map<string, number>;
  #stopped = false;
  /** The pipeline that last served each user (failed requests are counted against it). */
  readonly #lastPipeline = new Map<number, string>();
  readonly #wakers = new Set<() => void>();
  #wallStart = 0;
  #simStart = 0;
  #day = 0;

  constructor(environment: Environment, api: FeedApi, options: TrafficDriverOptions = {}) {
    const { world } = environment;
    const secondsPerDay = options.secondsPerDay ?? 60;
    if (!(secondsPerDay > 0)) throw new RangeError(`secondsPerDay must be positive, got ${secondsPerDay}`);
    this.#api = api;
    this.#context = {
      ...environment,
      state: options.state ?? new SimulationState(world, environment.reference),
    };
    this.#users = Math.min(options.users ?? world.population.size, world.population.size);
    this.#pageSize = options.pageSize ?? dynamicsDesign.pageSize;
    this.#maxConcurrent = options.maxConcurrentSessions ?? 64;
    this.#seed = options.seed ?? 42;
    this.#msPerSimMs = (secondsPerDay * 1000) / DAY_MS;
    this.#startTime = options.startTime ?? Math.floor(Date.now() / DAY_MS) * DAY_MS;
    this.#itemIndex = new Map(world.catalogue.ids.map((id, item) => [id, item]));
  }

  /** Stops starting pages; `drive` resolves once in-flight pages have posted their events. */
  stop(): void {
    this.#stopped = true;
    for (const wake of this.#wakers) wake();
    this.#wakers.clear();
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Drives simulated days until `seconds` or `days` ran out or `stop()` is called. */
  async drive(options: DriveOptions = {}): Promise<void> {
    this.#wallStart = performance.now();
    this.#simStart = this.#startTime;
    const timer =
      options.seconds === undefined ? undefined : setTimeout(() => this.stop(), options.seconds * 1000);
    try {
      for (let step = 0; !this.#stopped && (options.days === undefined || step < options.days); step++) {
        await this.#driveDay(step);
        this.#day = step + 1;
      }
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  /** The simulated time the wall clock has reached. */
  simulatedNow(): number {
    return this.#simStart + (performance.now() - this.#wallStart) / this.#msPerSimMs;
  }

  async #driveDay(day: number): Promise<void> {
    const context = this.#context;
    const { population } = context.world;
    const random = new Random(mix(this.#seed, day, -1, -1));
    const dayStart = this.#simStart + day * DAY_MS;
    this.tally.simulatedDays = day + 1;
    const sessions: Array<{ user: number; index: number; start: number }> = [];
    for (let user = 0; user < this.#users; user++) {
      if (!returnsToday(context, user, random)) continue;
      const count = sessionsToday(context.world, user, random);
      for (let index = 0; index < count; index++) {
        const hour = sessionHour(population.peakHour[user]!, random);
        sessions.push({ user, index, start: dayStart + hour * HOUR_MS + random.next() * HOUR_MS });
      }
    }
    sessions.sort((a, b) => a.start - b.start);
    const sums = new Map<number, SessionTotals>();
    const running = new Set<Promise<void>>();
    const busy = new Map<number, Promise<void>>();
    for (const session of sessions) {
      await this.#sleepUntil(session.start);
      if (this.#stopped) break;
      while (running.size >= this.#maxConcurrent) await Promise.race(running);
      // A user's sessions run one after another (one phone), so their state changes in a fixed order.
      const previous = busy.get(session.user) ?? Promise.resolve();
      const task = previous
        .then(() => this.#session(session.user, day, session.index, session.start))
        .then((result) => {
          const sum = sums.get(session.user) ?? { satisfaction: 0, impressions: 0 };
          sum.satisfaction += result.satisfaction;
          sum.impressions += result.impressions;
          sums.set(session.user, sum);
          running.delete(task);
        });
      busy.set(session.user, task);
      running.add(task);
    }
    await Promise.all(running);
    for (const [user, sum] of sums) endUserDay(context.state, user, sum);
    if (!this.#stopped) await this.#sleepUntil(dayStart + DAY_MS);
  }

  /**
   * One session through the simulator's session loop: each page is asked over
   * HTTP, its events are posted before the next page is asked, and the next page
   * waits until the compressed clock has played the watched items.
   */
  async #session(user: number, day: number, index: number, start: number): Promise<SessionTotals> {
    const { catalogue, population } = this.#context.world;
    const userId = population.ids[user]!;
    let feed: DriverFeed | undefined;
    // The events of the page being watched, not yet posted.
    let pending: DriverEvent[] | undefined;
    const post = async () => {
      if (pending === undefined) return;
      const events = pending;
      pending = undefined;
      try {
        await this.#api.postEvents(events);
        this.tally.eventsPosted += events.length;
      } catch {
        this.tally.eventErrors += events.length;
      }
    };
    const totals = await runSessionAsync(
      this.#context,
      {
        user,
        dayStart: this.#simStart + day * DAY_MS,
        timeMs: start,
        random: new Random(mix(this.#seed, day, user, index)),
      },
      {
        page: async (timeMs) => {
          if (pending !== undefined) {
            await post();
            await this.#sleepUntil(timeMs);
          }
          if (this.#stopped) return undefined;
          const asked = performance.now();
          try {
            feed = await this.#api.feed(userId, this.#pageSize);
          } catch {
            this.tally.error(this.#lastPipeline.get(user) ?? 'unknown');
            return undefined;
          }
          this.#lastPipeline.set(user, feed.pipeline);
          const clientMs = performance.now() - asked;
          this.tally.feed(feed.pipeline, user, day, {
            cpuMs: feed.cpuMs,
            latencyMs: feed.latencyMs,
            clientMs,
          });
          pending = [];
          // An item not of this world (another catalogue's) is skipped.
          return feed.itemIds.map((itemId) => this.#itemIndex.get(itemId) ?? -1);
        },
        record: ({ item, position, timeMs, outcome }) => {
          const served = feed!;
          pending!.push({
            id: `${served.requestId}:${position}`,
            userId,
            itemId: served.itemIds[position]!,
            time: Math.round(timeMs),
            requestId: served.requestId,
            pipeline: served.pipeline,
            position,
            ...(served.experiment === undefined ? {} : { experiment: served.experiment }),
            signals: eventSignals(outcome, catalogue.durationMs[item]!),
          });
          this.tally.impression(served.pipeline, user, day, outcome);
        },
      },
    );
    await post();
    return totals;
  }

  /** Waits until the compressed clock reaches simulated time `target` (or `stop()`). */
  #sleepUntil(target: number): Promise<void> {
    const wallTarget = this.#wallStart + (target - this.#simStart) * this.#msPerSimMs;
    const delay = wallTarget - performance.now();
    if (delay <= 1 || this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, delay);
      this.#wakers.add(wake);
    });
  }

  /** The simulated day being driven (0-based). */
  get day(): number {
    return this.#day;
  }
}

/** A 32-bit seed from (seed, day, user, session) so each session's draws do not depend on the others'. */
function mix(seed: number, day: number, user: number, session: number): number {
  let h = 2166136261 ^ seed;
  for (const part of [day, user, session]) {
    h = Math.imul(h ^ (part & 0xffff), 16777619);
    h = Math.imul(h ^ (part >>> 16), 16777619);
  }
  return h >>> 0;
}
