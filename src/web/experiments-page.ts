import {
  type Interval,
  liftInterval,
  meanInterval,
  proportionInterval,
  ratioInterval,
} from '../statistics/index.js';
import type { Experiment, PipelineStats, PipelineUserStats, StageCost } from '../storage/index.js';
import { binarySignals } from '../storage/index.js';
import { cards, chart, formatNumber, notice, section, table, withInterval } from './components.js';
import type { DashboardContext } from './dashboard-context.js';
import { DAY_MS, type DataWindow, dayLabel } from './data-window.js';
import { h, type SafeHtml } from './safe-html.js';

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
  /** Stay time relative to the reference bucket (undefined for the reference itself). */
  stayTimeLift?: Interval;
}

export interface ExperimentsData {
  experiments: Experiment[];
  /** The experiment reported, or undefined for all traffic. */
  experiment?: string;
  since: number;
  until: number;
  reference?: string;
  buckets: BucketReport[];
  days: Array<{
    day: string;
    pipelines: Record<string, { requests: number; stayTimeSecondsPerUser: number; cpuMsPerRequest: number }>;
  }>;
}

const SAMPLE_USERS = 40;
const SAMPLE_REQUESTS = 200;

export async function experimentsData(
  context: DashboardContext,
  query: { experiment?: string; days?: number },
): Promise<ExperimentsData> {
  const experiments = await context.store.listExperiments();
  const experiment = query.experiment === '' ? undefined : query.experiment;
  const window = await context.window(query.days);
  // The statistics are passes over the window's log (seconds on a large one): kept 30 s like the
  // overview's scan, so views and refreshes in between cost nothing; the experiment list stays fresh.
  const report = await context.aggregate(`experiments:${experiment ?? ''}`, window, () =>
    experimentReport(context, window, experiment),
  );
  return { experiments, ...(experiment === undefined ? {} : { experiment }), ...report };
}

/** Everything of `ExperimentsData` but the experiment list: the buckets' statistics over `window`. */
async function experimentReport(
  context: DashboardContext,
  window: DataWindow,
  experiment: string | undefined,
): Promise<Omit<ExperimentsData, 'experiments' | 'experiment'>> {
  const { store } = context;
  const filter = {
    since: window.since,
    until: window.until,
    ...(experiment === undefined ? {} : { experiment }),
  };
  const [totals, perUser, perDay] = await Promise.all([
    store.pipelineStats(filter),
    store.pipelineUserStats(filter),
    Promise.all(
      window.days.map((day) => store.pipelineStats({ ...filter, since: day, until: day + DAY_MS })),
    ),
  ]);
  const pipelines = totals.map((entry) => entry.pipeline);
  const reference = pipelines.includes('cascade') ? 'cascade' : pipelines[0];
  const stayOf = (users: PipelineUserStats[]) =>
    users.filter((user) => user.activeDays > 0).map((user) => user.playTimeMs / 1000 / user.activeDays);
  const usersOf = (pipeline: string) => perUser.filter((user) => user.pipeline === pipeline);
  const buckets = await Promise.all(
    totals.map(async (entry) => {
      const users = usersOf(entry.pipeline);
      const bucket = await bucketReport(context, entry, users, window.since);
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
      const row: ExperimentsData['days'][number] = { day: dayLabel(day), pipelines: {} };
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
  context: DashboardContext,
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
  const { stages, sampled } = await sampleStages(context, totals.pipeline, users, since);
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
  context: DashboardContext,
  pipeline: string,
  users: PipelineUserStats[],
  since: number,
): Promise<{ stages: Record<string, StageCost>; sampled: number }> {
  const { store } = context;
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

const palette = ['#2b6cb0', '#dd6b20', '#38a169', '#805ad5', '#d53f8c', '#718096'];

export function experimentsPage(data: ExperimentsData): SafeHtml {
  const pipelines = data.buckets.map((bucket) => bucket.pipeline);
  const labels = data.days.map((day) => day.day);
  const picker = h`<form class="inline" method="get"><label>Experiment <select name="experiment" data-submit-on-change><option value="">all traffic</option>${data.experiments.map(
    (experiment) =>
      h`<option value="${experiment.name}"${experiment.name === data.experiment ? h` selected` : ''}>${experiment.name} (${Object.entries(
        experiment.split,
      )
        .map(([pipeline, weight]) => `${pipeline} ${weight}`)
        .join(' / ')})</option>`,
  )}</select></label><noscript><button type="submit">Show</button></noscript></form>`;
  if (data.buckets.length === 0) {
    return h`${picker}${notice('No feeds were served in this window: no buckets to compare.', 'no-buckets')}`;
  }
  const overTime = (metric: 'stayTimeSecondsPerUser' | 'cpuMsPerRequest', name: string, id: string) =>
    chart(
      {
        color: palette,
        tooltip: { trigger: 'axis' },
        legend: { top: 0, type: 'scroll' },
        grid: { top: 60, left: 55, right: 20, bottom: 30 },
        xAxis: { type: 'category', data: labels },
        yAxis: { type: 'value', name },
        series: pipelines.map((pipeline) => ({
          name: pipeline,
          type: 'line',
          connectNulls: false,
          data: data.days.map((day) => {
            const value = day.pipelines[pipeline]?.[metric];
            return value === undefined ? null : Math.round(value * 1000) / 1000;
          }),
        })),
      },
      { id },
    );
  const stageNames = [...new Set(data.buckets.flatMap((bucket) => Object.keys(bucket.stages)))];
  const stages =
    stageNames.length === 0
      ? notice('No request recorded its per-stage cost.', 'no-stages')
      : chart(
          {
            color: palette,
            tooltip: { trigger: 'axis' },
            legend: { top: 0, type: 'scroll' },
            grid: { top: 60, left: 90, right: 20, bottom: 30 },
            xAxis: { type: 'value', name: 'CPU ms / request' },
            yAxis: { type: 'category', data: pipelines },
            series: stageNames.map((stage) => ({
              name: stage,
              type: 'bar',
              stack: 'cpu',
              data: data.buckets.map(
                (bucket) => Math.round((bucket.stages[stage]?.cpuMs ?? 0) * 1000) / 1000,
              ),
            })),
          },
          { id: 'stages-chart', height: 80 + 50 * pipelines.length },
        );
  const percent = (interval: Interval) => withInterval(interval, 2, 100);
  const rows: Array<[string, (bucket: BucketReport) => string | number]> = [
    ['users', (bucket) => bucket.users],
    ['requests', (bucket) => bucket.requests],
    ['events', (bucket) => bucket.events],
    ['stay time, s / active user-day', (bucket) => withInterval(bucket.stayTimeSecondsPerUserDay, 1)],
    [
      `stay time vs ${data.reference ?? 'reference'}, %`,
      (bucket) =>
        bucket.stayTimeLift === undefined ? 'reference' : withInterval(bucket.stayTimeLift, 2, 100),
    ],
    ['retention (active 2+ days), %', (bucket) => percent(bucket.retention)],
    ...binarySignals.map((signal): [string, (bucket: BucketReport) => string] => [
      `${signal} rate, %`,
      (bucket) => percent(bucket.signalRates[signal]!),
    ]),
    ['CPU ms / request', (bucket) => formatNumber(bucket.cpuMsPerRequest, 3)],
    [
      `CPU / request vs ${data.reference ?? 'reference'}`,
      (bucket) => {
        const reference = data.buckets.find((entry) => entry.pipeline === data.reference);
        if (reference === undefined || reference.cpuMsPerRequest === 0) return '–';
        return bucket === reference
          ? 'reference'
          : `x${formatNumber(bucket.cpuMsPerRequest / reference.cpuMsPerRequest, 3)}`;
      },
    ],
    ['latency ms / request', (bucket) => formatNumber(bucket.latencyMsPerRequest, 3)],
    ['requests sampled for stages', (bucket) => bucket.sampledRequests],
  ];
  return h`${picker}
<p class="muted">${data.experiment === undefined ? 'All traffic' : `Experiment ${data.experiment}`}, ${dayLabel(data.since)} to ${dayLabel(data.until - DAY_MS)} (UTC). Intervals are 95%, users as the unit.</p>
${cards(
  data.buckets.map((bucket) => ({
    label: `${bucket.pipeline}: requests`,
    value: bucket.requests,
    id: `bucket-requests-${bucket.pipeline}`,
    hint: `${formatNumber(bucket.cpuMsPerRequest, 2)} CPU ms / request`,
  })),
)}
${section(
  'Buckets side by side',
  table(
    ['', ...pipelines],
    rows.map(([label, pick]) => [label, ...data.buckets.map(pick)]),
    { id: 'buckets-table' },
  ),
)}
<div class="grid">
${section('Stay time per user over time (s / user-day)', overTime('stayTimeSecondsPerUser', 's / user', 'stay-chart'))}
${section('CPU per request over time (ms)', overTime('cpuMsPerRequest', 'CPU ms', 'cpu-chart'))}
${section('CPU per request per stage', stages)}
</div>`;
}
