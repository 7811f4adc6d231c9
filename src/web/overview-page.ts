import { DAY_MS, dayLabel } from '../serve/index.js';
import type { StoreCounts } from '../storage/index.js';
import { binarySignals } from '../storage/index.js';
import { cards, chart, formatNumber, formatPercent, notice, section, table } from './components.js';
import type { DashboardContext } from './dashboard-context.js';
import { h, type SafeHtml } from './safe-html.js';

export interface OverviewDay {
  day: string;
  /** Feed requests served that day, by pipeline. */
  requests: Record<string, number>;
  events: number;
  activeUsers: number;
  playTimeMs: number;
  /** Share of the day's events and watch time on AI-generated items. */
  aiEventShare: number;
  aiPlayTimeShare: number;
  /** Events with the signal / events. */
  signalRates: Record<string, number>;
}

export interface OverviewData {
  since: number;
  until: number;
  /** Whole store. */
  totals: StoreCounts;
  pipelines: string[];
  days: OverviewDay[];
  window: { requests: number; events: number; aiEventShare: number; aiPlayTimeShare: number };
  topCategories: Array<{ name: string; events: number; share: number; playTimeMs: number }>;
  /** Events in the window (the per-day figures sum them). */
  scanned: { events: number };
}

export async function overviewData(context: DashboardContext, days?: number): Promise<OverviewData> {
  const { store } = context;
  const window = await context.window(days);
  const [totals, scan, perDay] = await Promise.all([
    store.counts(),
    context.scan(window),
    Promise.all(window.days.map((day) => store.pipelineStats({ since: day, until: day + DAY_MS }))),
  ]);
  const pipelines = [...new Set(perDay.flatMap((stats) => stats.map((entry) => entry.pipeline)))].sort();
  const overviewDays = scan.perDay.map((figures, index): OverviewDay => {
    const requests: Record<string, number> = {};
    for (const pipeline of pipelines) requests[pipeline] = 0;
    for (const entry of perDay[index]!) requests[entry.pipeline] = entry.requests;
    const signalRates: Record<string, number> = {};
    for (const signal of binarySignals) {
      signalRates[signal] = figures.events === 0 ? 0 : figures.signals[signal] / figures.events;
    }
    return {
      day: dayLabel(figures.day),
      requests,
      events: figures.events,
      activeUsers: figures.users,
      playTimeMs: figures.playTimeMs,
      aiEventShare: figures.events === 0 ? 0 : figures.aiEvents / figures.events,
      aiPlayTimeShare: figures.playTimeMs === 0 ? 0 : figures.aiPlayTimeMs / figures.playTimeMs,
      signalRates,
    };
  });
  const sum = (pick: (figures: (typeof scan.perDay)[number]) => number) =>
    scan.perDay.reduce((total, figures) => total + pick(figures), 0);
  const events = sum((figures) => figures.events);
  const playTime = sum((figures) => figures.playTimeMs);
  return {
    since: window.since,
    until: window.until,
    totals,
    pipelines,
    days: overviewDays,
    window: {
      requests: perDay.flat().reduce((total, entry) => total + entry.requests, 0),
      events,
      aiEventShare: events === 0 ? 0 : sum((figures) => figures.aiEvents) / events,
      aiPlayTimeShare: playTime === 0 ? 0 : sum((figures) => figures.aiPlayTimeMs) / playTime,
    },
    topCategories: scan.categories.slice(0, 10).map((category) => ({
      name: category.name,
      events: category.events,
      share: events === 0 ? 0 : category.events / events,
      playTimeMs: category.playTimeMs,
    })),
    scanned: { events: scan.events },
  };
}

const palette = ['#2b6cb0', '#dd6b20', '#38a169', '#805ad5', '#d53f8c', '#718096', '#d69e2e', '#319795'];

export function overviewPage(data: OverviewData): SafeHtml {
  const labels = data.days.map((day) => day.day);
  const range = `${dayLabel(data.since)} to ${dayLabel(data.until - DAY_MS)} (UTC)`;
  const traffic = chart(
    {
      color: palette,
      tooltip: { trigger: 'axis' },
      legend: { top: 0, type: 'scroll' },
      grid: { top: 60, left: 50, right: 50, bottom: 30 },
      xAxis: { type: 'category', data: labels },
      yAxis: [
        { type: 'value', name: 'requests' },
        { type: 'value', name: 'users' },
      ],
      series: [
        ...data.pipelines.map((pipeline) => ({
          name: `requests: ${pipeline}`,
          type: 'bar',
          stack: 'requests',
          data: data.days.map((day) => day.requests[pipeline] ?? 0),
        })),
        { name: 'active users', type: 'line', yAxisIndex: 1, data: data.days.map((day) => day.activeUsers) },
      ],
    },
    { id: 'traffic-chart' },
  );
  const signals = chart(
    {
      color: palette,
      tooltip: { trigger: 'axis' },
      legend: { top: 0, type: 'scroll' },
      grid: { top: 60, left: 50, right: 20, bottom: 30 },
      xAxis: { type: 'category', data: labels },
      yAxis: { type: 'log', name: 'events with the signal / events' },
      series: binarySignals.map((signal) => ({
        name: signal,
        type: 'line',
        // A day without the signal has no point on a log axis.
        data: data.days.map((day) =>
          day.events === 0 || !day.signalRates[signal] ? null : day.signalRates[signal],
        ),
      })),
    },
    { id: 'signals-chart' },
  );
  const ai = chart(
    {
      color: ['#805ad5', '#d53f8c'],
      tooltip: { trigger: 'axis' },
      legend: { top: 0, type: 'scroll' },
      grid: { top: 60, left: 50, right: 20, bottom: 30 },
      xAxis: { type: 'category', data: labels },
      yAxis: { type: 'value', name: '% of traffic', axisLabel: { formatter: '{value}%' } },
      series: [
        {
          name: 'views',
          type: 'line',
          data: data.days.map((day) => (day.events === 0 ? null : round(100 * day.aiEventShare))),
        },
        {
          name: 'watch time',
          type: 'line',
          data: data.days.map((day) => (day.playTimeMs === 0 ? null : round(100 * day.aiPlayTimeShare))),
        },
      ],
    },
    { id: 'ai-chart' },
  );
  const categories = chart(
    {
      color: palette,
      tooltip: {},
      grid: { top: 10, left: 120, right: 30, bottom: 30 },
      xAxis: { type: 'value', name: 'events' },
      yAxis: { type: 'category', inverse: true, data: data.topCategories.map((category) => category.name) },
      series: [{ type: 'bar', data: data.topCategories.map((category) => category.events) }],
    },
    { id: 'categories-chart', height: 320 },
  );
  return h`${cards([
    { label: 'requests (all time)', value: data.totals.requests, id: 'total-requests' },
    { label: 'impressions', value: data.totals.impressions, id: 'total-impressions' },
    { label: 'events', value: data.totals.events, id: 'total-events' },
    { label: 'users', value: data.totals.users, id: 'total-users' },
    { label: 'items', value: data.totals.items, id: 'total-items' },
    {
      label: 'AI-generated share of views',
      value: formatPercent(data.window.aiEventShare),
      id: 'ai-share',
      hint: `watch time: ${formatPercent(data.window.aiPlayTimeShare)}, last ${data.days.length} days`,
    },
  ])}
<p class="muted">Charts: ${range}, the days ending with the newest event. ${formatNumber(data.window.requests)} requests and ${formatNumber(data.window.events)} events in the window.</p>
${data.totals.events === 0 && data.totals.requests === 0 ? notice('The store has no requests or events yet: ingest events or run `genfeed demo`.', 'empty-store') : ''}
<div class="grid">
${section('Traffic and active users', traffic)}
${section('Signal rates', signals)}
${section('Share of traffic to AI-generated items', ai)}
${section(
  'Top categories',
  categories,
  table(
    ['category', 'events', 'share', 'watch hours'],
    data.topCategories.map((category) => [
      category.name,
      category.events,
      formatPercent(category.share),
      formatNumber(category.playTimeMs / 3_600_000, 1),
    ]),
    { id: 'categories-table', empty: 'No events on known items in the window.' },
  ),
)}
</div>`;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
