import { cards, chart, formatNumber, formatPercent, notice, section, table } from './components.js';
import type { DashboardContext } from './dashboard-context.js';
import { DAY_MS, dayLabel } from './data-window.js';
import type { CategoryFigures } from './event-scan.js';
import { h, type SafeHtml } from './safe-html.js';

export interface Trend {
  name: string;
  /** Share of the window's events in its earlier and its later half. */
  earlierShare: number;
  laterShare: number;
  events: number;
}

export interface CreatorData {
  since: number;
  until: number;
  /** The most watched authors of the window, for picking one. */
  authors: Array<{ author: string; events: number; items: number }>;
  author?: string;
  figures?: { events: number; playTimeMs: number; items: number };
  /** Events by [weekday (0 = Monday) * 24 + UTC hour]: on the author's items, and on every item. */
  heatmap: number[];
  platformHeatmap: number[];
  /** The three hours of the week the author's viewers (else everyone) watch most. */
  bestSlots: Array<{ weekday: string; hour: number; events: number }>;
  /** Categories and tags whose share of views grew most from the first to the second half of the window. */
  trends: { categories: Trend[]; tags: Trend[] };
  titles?: Array<{ title: string; score?: number }>;
  titlesError?: string;
}

export const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function trends(figures: readonly CategoryFigures[]): Trend[] {
  const earlier = figures.reduce((sum, entry) => sum + entry.earlierEvents, 0);
  const later = figures.reduce((sum, entry) => sum + entry.laterEvents, 0);
  if (earlier === 0 || later === 0) return [];
  return figures
    .filter((entry) => entry.events >= 20)
    .map((entry) => ({
      name: entry.name,
      earlierShare: entry.earlierEvents / earlier,
      laterShare: entry.laterEvents / later,
      events: entry.events,
    }))
    .sort((a, b) => b.laterShare - b.earlierShare - (a.laterShare - a.earlierShare))
    .slice(0, 8);
}

export async function creatorData(
  context: DashboardContext,
  query: { author?: string; days?: number },
): Promise<CreatorData> {
  const window = await context.window(query.days);
  const scan = await context.scan(window);
  const author = query.author?.trim() || undefined;
  const figures = author === undefined ? undefined : scan.authors.find((entry) => entry.author === author);
  const heatmap = figures?.hourWeekday ?? new Array<number>(168).fill(0);
  const source = figures !== undefined && figures.events > 0 ? heatmap : scan.hourWeekday;
  const bestSlots = source
    .map((events, slot) => ({ weekday: weekdays[Math.floor(slot / 24)]!, hour: slot % 24, events }))
    .filter((slot) => slot.events > 0)
    .sort((a, b) => b.events - a.events)
    .slice(0, 3);
  const data: CreatorData = {
    since: window.since,
    until: window.until,
    authors: scan.authors
      .slice(0, 50)
      .map(({ author: name, events, items }) => ({ author: name, events, items })),
    heatmap,
    platformHeatmap: scan.hourWeekday,
    bestSlots,
    trends: { categories: trends(scan.categories), tags: trends(scan.tags) },
  };
  if (author !== undefined) {
    data.author = author;
    data.figures = {
      events: figures?.events ?? 0,
      playTimeMs: figures?.playTimeMs ?? 0,
      items: figures?.items ?? 0,
    };
    const suggest = context.options.suggestTitles;
    if (suggest !== undefined) {
      try {
        data.titles = [...(await suggest(author, {}))];
      } catch (error) {
        data.titlesError = error instanceof Error ? error.message : String(error);
      }
    }
  }
  return data;
}

function heatmapChart(values: readonly number[], title: string, id: string): SafeHtml {
  const max = Math.max(1, ...values);
  return chart(
    {
      title: { text: title, textStyle: { fontSize: 13 } },
      tooltip: { position: 'top' },
      grid: { top: 40, left: 50, right: 20, bottom: 70 },
      xAxis: {
        type: 'category',
        name: 'hour (UTC)',
        data: Array.from({ length: 24 }, (_, hour) => String(hour)),
        splitArea: { show: true },
      },
      yAxis: { type: 'category', data: weekdays, inverse: true, splitArea: { show: true } },
      visualMap: {
        min: 0,
        max,
        calculable: true,
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        inRange: { color: ['#f7fbff', '#2b6cb0'] },
      },
      series: [
        {
          name: 'views',
          type: 'heatmap',
          data: values.map((count, slot) => [slot % 24, Math.floor(slot / 24), count]),
        },
      ],
    },
    { id, height: 300 },
  );
}

function trendTable(rows: Trend[], id: string): SafeHtml {
  return table(
    ['name', 'share, first half', 'share, second half', 'change (points)', 'views'],
    rows.map((trend) => [
      trend.name,
      formatPercent(trend.earlierShare, 2),
      formatPercent(trend.laterShare, 2),
      `${trend.laterShare >= trend.earlierShare ? '+' : ''}${(100 * (trend.laterShare - trend.earlierShare)).toFixed(2)}`,
      trend.events,
    ]),
    { id, empty: 'Not enough views in both halves of the window.' },
  );
}

export function creatorPage(data: CreatorData): SafeHtml {
  const picker = h`<form class="inline" method="get" action="/dashboard/creator"><input name="author" list="authors" placeholder="author id" value="${data.author ?? ''}"><datalist id="authors">${data.authors.map(
    (entry) => h`<option value="${entry.author}">${formatNumber(entry.events)} views</option>`,
  )}</datalist><button class="primary" type="submit">Show</button></form>`;
  const range = `${dayLabel(data.since)} to ${dayLabel(data.until - DAY_MS)} (UTC)`;
  const titles =
    data.author === undefined
      ? h`<p class="muted">Pick an author.</p>`
      : data.titlesError !== undefined
        ? h`<p class="error">Title suggestions failed: ${data.titlesError}</p>`
        : data.titles === undefined
          ? notice(
              'Title suggestions: not available yet (the creator assistant is not configured on this server).',
              'titles-unavailable',
            )
          : table(
              ['title', 'score'],
              data.titles.map((entry) => [entry.title, entry.score]),
              { id: 'titles', empty: 'No suggestions.' },
            );
  const authorPart =
    data.author === undefined
      ? table(
          ['author', 'views', 'items watched'],
          data.authors
            .slice(0, 15)
            .map((entry) => [
              h`<a href="/dashboard/creator?author=${encodeURIComponent(entry.author)}">${entry.author}</a>`,
              entry.events,
              entry.items,
            ]),
          { id: 'top-authors', empty: 'No views of items with an author in the window.' },
        )
      : h`${cards([
          { label: 'views', value: data.figures!.events, id: 'creator-views' },
          {
            label: 'watch hours',
            value: data.figures!.playTimeMs / 3_600_000,
            digits: 1,
            id: 'creator-hours',
          },
          { label: 'items watched', value: data.figures!.items, id: 'creator-items' },
        ])}${heatmapChart(data.heatmap, `When ${data.author}'s viewers watch`, 'creator-heatmap')}`;
  return h`${picker}<p class="muted">${range}.</p>
${section(data.author === undefined ? 'Most watched authors' : `Author ${data.author}`, authorPart)}
<div class="grid">
${section(
  'Best posting times',
  h`<p>Post shortly before the hours ${data.author !== undefined && data.figures!.events > 0 ? 'your viewers' : 'viewers on the platform'} watch most (UTC): <strong data-testid="best-slots">${
    data.bestSlots.map((slot) => `${slot.weekday} ${String(slot.hour).padStart(2, '0')}:00`).join(', ') ||
    'no views yet'
  }</strong>.</p>`,
  heatmapChart(data.platformHeatmap, 'Views on the whole platform (hour x weekday)', 'platform-heatmap'),
)}
${section('Trends: rising categories', trendTable(data.trends.categories, 'trend-categories'))}
${section('Trends: rising tags', trendTable(data.trends.tags, 'trend-tags'))}
${section('Title suggestions', titles)}
</div>`;
}
