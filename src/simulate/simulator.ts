import { type Progress, Random, silentProgress } from '../core/index.js';
import type { FeedRequest, Policy } from './policy.js';
import type { Reference } from './reference.js';
import { emptyOutcome, type Outcome, type ResponseParams } from './response-model.js';
import {
  dynamicsDesign,
  endUserDay,
  returnsToday,
  runSession,
  type SessionContext,
  type SessionTotals,
  sessionsToday,
  type Watched,
} from './session.js';
import type { SimulationState } from './simulation-state.js';
import { sessionHour } from './user-traits.js';
import type { World } from './world.js';

/** One logged impression (the outcome object is reused: copy what you keep). */
export interface Impression {
  user: number;
  item: number;
  day: number;
  /** Unix ms. */
  timeMs: number;
  hour: number;
  /** Index of the policy that served it. */
  bucket: number;
  /** Feed request (page) of the run it was served in, counting from 0: impressions of one page share it. */
  request: number;
  /** Rank within its page (0 = first shown). */
  position: number;
  /** Standardised taste including the follow bonus (what the response saw). */
  affinity: number;
  canFollow: boolean;
  outcome: Outcome;
}

/** Receives every impression and the end of each user-day. */
export interface SimulationSink {
  impression(impression: Impression): void;
  /** After every user on every day, active or not. */
  userDay?(user: number, day: number, active: boolean): void;
}

export interface RunOptions {
  days: number;
  /** Policy serving each user (index into `policies`), or -1: the user is not simulated. */
  assignment: Int32Array;
  policies: readonly Policy[];
  sink: SimulationSink;
  seed: number;
  /** First simulated day (default 2022-04-08, the first day of the KuaiRand logs), UTC. */
  startDate?: string;
  progress?: Progress;
  /** Stop once this many impressions were simulated (calibration runs). */
  maxImpressions?: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * Simulates `days` days of every assigned user from `state` (mutated): who comes
 * back, their sessions, the pages each policy serves and every response.
 * Returns the number of impressions simulated.
 */
export function simulateDays(
  world: World,
  params: ResponseParams,
  reference: Reference,
  state: SimulationState,
  options: RunOptions,
): number {
  const random = new Random(options.seed);
  const { population } = world;
  const progress = options.progress ?? silentProgress;
  const context: SessionContext = { world, params, reference, state };
  const pageSize = dynamicsDesign.pageSize;
  const page = new Int32Array(pageSize);
  const impression: Impression = {
    user: 0,
    item: 0,
    day: 0,
    timeMs: 0,
    hour: 0,
    bucket: 0,
    request: -1,
    position: 0,
    affinity: 0,
    canFollow: true,
    outcome: emptyOutcome(),
  };
  const request: FeedRequest = {
    user: 0,
    day: 0,
    hour: 0,
    history: new Int32Array(0),
    seen: state.seen[0]!,
    size: pageSize,
  };
  const start = Date.parse(`${options.startDate ?? '2022-04-08'}T00:00:00Z`);
  const limit = options.maxImpressions ?? Number.POSITIVE_INFINITY;
  let impressions = 0;
  const idle: SessionTotals = { satisfaction: 0, impressions: 0 };
  // What the session loop calls back: the policy of the user being simulated ranks a page, the sink logs.
  let policy: Policy = options.policies[0]!;
  let dayStart = start;
  const io = {
    page(timeMs: number): Int32Array {
      request.hour = Math.floor((timeMs - dayStart) / HOUR_MS) % 24;
      request.history = state.histories[request.user]!.recent();
      request.seen = state.seen[request.user]!;
      policy.rank(request, page);
      impression.request++;
      return page;
    },
    record(watched: Watched): void {
      impression.item = watched.item;
      impression.timeMs = watched.timeMs;
      impression.hour = watched.hour;
      impression.position = watched.position;
      impression.affinity = watched.affinity;
      impression.canFollow = watched.canFollow;
      impression.outcome = watched.outcome;
      options.sink.impression(impression);
      impressions++;
    },
  };
  progress.start('simulating days', options.days);
  for (let step = 0; step < options.days && impressions < limit; step++) {
    const day = state.day;
    dayStart = start + day * DAY_MS;
    for (let user = 0; user < population.size && impressions < limit; user++) {
      const bucket = options.assignment[user]!;
      if (bucket < 0) continue;
      if (!returnsToday(context, user, random)) {
        endUserDay(state, user, idle, reference);
        options.sink.userDay?.(user, day, false);
        continue;
      }
      policy = options.policies[bucket]!;
      request.user = user;
      request.day = day;
      impression.user = user;
      impression.day = day;
      impression.bucket = bucket;
      const sessions = sessionsToday(world, user, random);
      const today: SessionTotals = { satisfaction: 0, impressions: 0 };
      for (let session = 0; session < sessions; session++) {
        const hour = sessionHour(population.peakHour[user]!, random);
        const timeMs = dayStart + hour * HOUR_MS + Math.floor(random.next() * HOUR_MS);
        const totals = runSession(context, { user, dayStart, timeMs, random }, io);
        today.satisfaction += totals.satisfaction;
        today.impressions += totals.impressions;
      }
      endUserDay(state, user, today, reference);
      options.sink.userDay?.(user, day, true);
    }
    state.day++;
    progress.update(step + 1, { impressions });
  }
  progress.stop();
  return impressions;
}
