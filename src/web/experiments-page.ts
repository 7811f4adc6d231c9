import { type BucketReport, type BucketsReport, DAY_MS, dayLabel } from '../serve/index.js';
import type { Interval } from '../statistics/index.js';
import type { Experiment } from '../storage/index.js';
import { binarySignals } from '../storage/index.js';
import { cards, chart, formatNumber, notice, section, table, withInterval } from './components.js';
import type { DashboardContext } from './dashboard-context.js';
import { h, type SafeHtml } from './safe-html.js';

export interface ExperimentsData extends BucketsReport {
  /** The running experiments. */
  experiments: Experiment[];
  /** The experiment reported, or undefined for all traffic. */
  experiment?: string;
}

export async function experimentsData(
  context: DashboardContext,
  query: { experiment?: string; days?: number },
): Promise<ExperimentsData> {
  const experiments = await context.experiments.list();
  const experiment = query.experiment === '' ? undefined : query.experiment;
  const window = await context.window(query.days);
  return {
    experiments,
    ...(experiment === undefined ? {} : { experiment }),
    ...(await context.experimentReport(window, experiment)),
  };
}

const palette = ['#2b6cb0', '#dd6b20', '#38a169', '#805ad5', '#d53f8c', '#718096'];

/**
 * The running experiment's controls (an admin session's CSRF token in each
 * form): one weight per bucket, and stopping it. Stopped experiments have none.
 */
function experimentActions(experiment: Experiment, csrf: string): SafeHtml {
  const buckets = Object.entries(experiment.split);
  return section(
    `Change ${experiment.name}`,
    h`<form class="inline" method="post" action="/dashboard/experiments/split" data-testid="split-form"><input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="experiment" value="${experiment.name}">${buckets.map(
      ([pipeline, weight]) =>
        h`<label>${pipeline} <input type="number" name="split.${pipeline}" value="${weight}" min="0" step="any" required data-testid="split-${pipeline}"></label> `,
    )}<button class="primary" type="submit" data-testid="split-submit">Change the split</button></form>
<form class="inline" method="post" action="/dashboard/experiments/stop" data-testid="stop-form"><input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="experiment" value="${experiment.name}"><button type="submit" data-testid="stop-submit">Stop ${experiment.name}</button> <span class="muted">Servers go back to their default pipeline; the report stays.</span></form>`,
  );
}

/** The page; `csrf` (an admin session's token) adds the forms that change the experiment shown. */
export function experimentsPage(data: ExperimentsData, csrf?: string): SafeHtml {
  const pipelines = data.buckets.map((bucket) => bucket.pipeline);
  const labels = data.days.map((day) => day.day);
  const running = data.experiments.find((experiment) => experiment.name === data.experiment);
  // A stopped experiment is still reported (its feeds keep its name): keep it selected.
  const stopped =
    data.experiment !== undefined && running === undefined
      ? h`<option value="${data.experiment}" selected>${data.experiment} (stopped)</option>`
      : '';
  const picker = h`<form class="inline" method="get"><label>Experiment <select name="experiment" data-submit-on-change><option value="">all traffic</option>${data.experiments.map(
    (experiment) =>
      h`<option value="${experiment.name}"${experiment.name === data.experiment ? h` selected` : ''}>${experiment.name} (${Object.entries(
        experiment.split,
      )
        .map(([pipeline, weight]) => `${pipeline} ${weight}`)
        .join(' / ')})</option>`,
  )}${stopped}</select></label><noscript><button type="submit">Show</button></noscript></form>`;
  const actions = running === undefined || csrf === undefined ? '' : experimentActions(running, csrf);
  if (data.buckets.length === 0) {
    return h`${picker}${actions}${notice('No feeds were served in this window: no buckets to compare.', 'no-buckets')}`;
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
  return h`${picker}${actions}
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
