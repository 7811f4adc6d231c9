import {
  type Interval,
  liftInterval,
  meanInterval,
  proportionInterval,
  ratioInterval,
} from '../../statistics/index.js';
import {
  binarySignals,
  type PipelineStats,
  type PipelineUserStats,
  type StageCost,
  type Store,
} from '../../storage/index.js';
import { DAY_MS, type DataWindow, dayLabel } from './data-window.js';

/** One bucket (pipeline) of an experiment over a window: the figures of the dashboard's Experiments page. */
export interface BucketReport {
  pipeline: string;
  users: number;
  requests: number;
  events: number;
  /** Watch seconds per active user-day: mean over users of playTime / active days. */
  stayTimeSecondsPerUserDay: Interval;
  /** Share of users active on two or more days of the window. */
  retention: Interval;
  /** Events with the signal / events, users as the unit (delta method). */
  signalRates: Record<string, Interval>;
  cpuMsPerRequest: number;
  latencyMsPerRequest: number;
  /** Mean CPU and wall ms per request per stage over `sampledRequests` recent requests. */
  stages: Record<string, StageCost>;
  sampledRequests: number;
  /** Stay time relative to the reference bucket (absent for the reference itself). */
  stayTimeLift?: Interval;
}

/** Every bucket of an experiment (or of all traffic) over a window, and the per-day series. */
export interface BucketsReport {
  since: number;
  until: number;
  /** The bucket the others are compared with: the option, else `cascade` when it served, else the first. */
  reference?: string;
  buckets: BucketReport[];
  days: Array<{
    day: string;
    pipelines: Record<string, { requests: number; stayTimeSecondsPerUser: number; cpuMsPerRequest: number }>;
  }>;
}

export interface BucketsReportOptions {
  /** Only this experiment's requests and events (default: all traffic). */
  experiment?: string;
  /** The bucket the others are compared with (default `cascade` when it served, else the first). */
  reference?: string;
}

const SAMPLE_USERS = 40;
const SAMPLE_REQUESTS = 200;

/**
 * The buckets side by side over `window`, from `pipelineStats` and
 * `pipelineUserStats` (docs/web.md, "Experiments"): stay time per active
 * user-day with a normal 95% interval and its lift over the reference (delta
 * method), retention (Wilson), each signal's rate as a ratio of sums with users
 * as clusters (Deng et al. 2018), cost per request, and per-stage cost sampled
 * from the latest requests of the busiest users.
 */
export async function bucketsReport(
  store: Store,
  window: DataWindow,
  options: BucketsReportOptions = {},
): Promise<BucketsReport> {
  const filter = {
    since: window.since,
    until: window.until,
    ...(options.experiment === undefined ? {} : { experiment: options.experiment }),
  };
  const [totals, perUser, perDay] = await Promise.all([
    store.pipelineStats(filter),
    store.pipelineUserStats(filter),
    Promise.all(
      window.days.map((day) =>
        store.pipelineStats({
          ...filter,
          since: Math.max(day, window.since),
          until: Math.min(day + DAY_MS, window.until),
        }),
      ),
    ),
  ]);
  const pipelines = totals.map((entry) => entry.pipeline);
  const reference =
    options.reference !== undefined && pipelines.includes(options.reference)
      ? options.reference
      : pipelines.includes('cascade')
        ? 'cascade'
        : pipelines[0];
  const stayOf = (users: PipelineUserStats[]) =>
    users.filter((user) => user.activeDays > 0).map((user) => user.playTimeMs / 1000 / user.activeDays);
  const usersOf = (pipeline: string) => perUser.filter((user) => user.pipeline === pipeline);
  const buckets = await Promise.all(
    totals.map(async (entry) => {
      const users = usersOf(entry.pipeline);
      const bucket = await bucketReport(store, entry, users, window.since);
      if (reference !== undefined && entry.pipeline !== reference) {
        bucket.stayTimeLift = liftInterval(stayOf(users), stayOf(usersOf(reference)));
      }
      return bucket;
    }),
  );
  return {
    since: window.since,
    until: window.until,
    ...(reference === undefined ? {} : { reference }),
    buckets,
    days: window.days.map((day, index) => {
      const row: BucketsReport['days'][number] = { day: dayLabel(day), pipelines: {} };
      for (const entry of perDay[index]!) {
        // A day without requests of the pipeline has no point (its late events alone say nothing).
        if (entry.requests === 0 || entry.users === 0) continue;
        row.pipelines[entry.pipeline] = {
          requests: entry.requests,
          stayTimeSecondsPerUser: entry.playTimeMs / 1000 / entry.users,
          cpuMsPerRequest: entry.cpuMs / entry.requests,
        };
      }
      return row;
    }),
  };
}

async function bucketReport(
  store: Store,
  totals: PipelineStats,
  users: PipelineUserStats[],
  since: number,
): Promise<BucketReport> {
  const active = users.filter((user) => user.activeDays > 0);
  const signalRates: Record<string, Interval> = {};
  for (const signal of binarySignals) {
    signalRates[signal] = ratioInterval(
      users.map((user) => user.signals[signal]),
      users.map((user) => user.events),
    );
  }
  const { stages, sampled } = await sampleStages(store, totals.pipeline, users, since);
  return {
    pipeline: totals.pipeline,
    users: users.length,
    requests: totals.requests,
    events: totals.events,
    stayTimeSecondsPerUserDay: meanInterval(active.map((user) => user.playTimeMs / 1000 / user.activeDays)),
    retention: proportionInterval(active.filter((user) => user.activeDays >= 2).length, active.length),
    signalRates,
    cpuMsPerRequest: totals.requests === 0 ? 0 : totals.cpuMs / totals.requests,
    latencyMsPerRequest: totals.requests === 0 ? 0 : totals.latencyMs / totals.requests,
    stages,
    sampledRequests: sampled,
  };
}

/**
 * Per-stage cost is kept per request (`getFeed`), not summed by the store: the
 * mean over the latest requests of the busiest users of the bucket (at most 200).
 */
async function sampleStages(
  store: Store,
  pipeline: string,
  users: PipelineUserStats[],
  since: number,
): Promise<{ stages: Record<string, StageCost>; sampled: number }> {
  const busiest = [...users].sort((a, b) => b.requests - a.requests).slice(0, SAMPLE_USERS);
  const requestIds = new Set<string>();
  for (const user of busiest) {
    if (requestIds.size >= SAMPLE_REQUESTS) break;
    for (const impression of await store.userImpressions(user.userId, { limit: 50 })) {
      if (impression.pipeline === pipeline && impression.time >= since) requestIds.add(impression.requestId);
      if (requestIds.size >= SAMPLE_REQUESTS) break;
    }
  }
  const sums: Record<string, StageCost> = {};
  let sampled = 0;
  for (const requestId of requestIds) {
    const feed = await store.getFeed(requestId);
    if (feed?.stages === undefined) continue;
    sampled++;
    for (const [stage, cost] of Object.entries(feed.stages)) {
      const sum = sums[stage] ?? { cpuMs: 0, latencyMs: 0 };
      sum.cpuMs += cost.cpuMs;
      sum.latencyMs += cost.latencyMs;
      sums[stage] = sum;
    }
  }
  for (const cost of Object.values(sums)) {
    cost.cpuMs /= sampled;
    cost.latencyMs /= sampled;
  }
  return { stages: sums, sampled };
}
