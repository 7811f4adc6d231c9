import {
  type CreatorTrend,
  creatorTrends,
  fanActivity,
  itemEngagement,
  type PostingWindow,
  suggestPostingTimes,
  TitleMiner,
  type TitleSuggestion,
  type TopicTrend,
  topicSeries,
  trendingTopics,
  uploadCompetition,
} from '../assistant/index.js';
import { NotFoundError } from '../core/index.js';
import { DAY_MS, dayLabel } from '../serve/index.js';
import { cards, chart, formatNumber, formatPercent, notice, section, table } from './components.js';
import type { DashboardContext } from './dashboard-context.js';
import type { PlatformSnapshot } from './platform-snapshot.js';
import { h, type SafeHtml } from './safe-html.js';

export interface CreatorData {
  since: number;
  until: number;
  /** The most watched authors of the window, for picking one. */
  authors: Array<{ author: string; events: number; items: number }>;
  author?: string;
  /** Why the author's part is missing (e.g. no items in the catalogue). */
  authorError?: string;
  figures?: { events: number; playTimeMs: number; items: number; fans: number };
  /** [168] by hour of week (0 = Monday 00:00 UTC): the author's fans' events on any item (assistant `fanActivity`). */
  fanHeatmap?: number[];
  /** Suggested posting windows: fans' activity, smoothed, against other creators' uploads (assistant `suggestPostingTimes`). */
  postingWindows?: PostingWindow[];
  /** [168] every event of the window by hour of week. */
  platformHeatmap: number[];
  /** Rising topics near the author's niche (assistant `creatorTrends`), or platform-wide without an author. */
  trends: Array<TopicTrend & Partial<Pick<CreatorTrend, 'similarity' | 'own' | 'score'>>>;
  draft?: string;
  titles?: TitleSuggestion[];
  titlesError?: string;
  /** Events read; `truncated` when the window held more than the snapshot keeps. */
  snapshot: { events: number; truncated: boolean };
}

export const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/**
 * The creator view as a key sees it: a creator's key (bound to `creator`) gets
 * its own author whatever the query names, and no list of the others.
 */
export async function creatorView(
  context: DashboardContext,
  query: { author?: string; draft?: string; days?: number },
  creator: string | undefined,
): Promise<CreatorData> {
  if (creator === undefined) return creatorData(context, query);
  const data = await creatorData(context, { ...query, author: creator });
  data.authors = data.authors.filter((entry) => entry.author === creator);
  return data;
}

export async function creatorData(
  context: DashboardContext,
  query: { author?: string; draft?: string; days?: number },
): Promise<CreatorData> {
  const window = await context.window(query.days);
  const [scan, snapshot] = await Promise.all([context.scan(window), context.snapshot(window)]);
  const { events, items } = snapshot;
  const range = { since: window.since, until: window.until };
  const data: CreatorData = {
    since: window.since,
    until: window.until,
    authors: scan.authors
      .slice(0, 50)
      .map(({ author, events: views, items: watched }) => ({ author, events: views, items: watched })),
    platformHeatmap: scan.hourWeekday,
    trends: [],
    snapshot: { events: events.length, truncated: snapshot.truncated },
  };
  const author = query.author?.trim() || undefined;
  if (author === undefined) {
    data.trends = events.length === 0 ? [] : trendingTopics(topicSeries(events, items)).slice(0, 10);
    return data;
  }
  data.author = author;
  const figures = scan.authors.find((entry) => entry.author === author);
  try {
    const fans = fanActivity(author, events, items, range);
    data.figures = {
      events: figures?.events ?? 0,
      playTimeMs: figures?.playTimeMs ?? 0,
      items: figures?.items ?? 0,
      fans: fans.fans.length,
    };
    data.fanHeatmap = Array.from(fans.activity);
    if (fans.activity.some((count) => count > 0)) {
      data.postingWindows = suggestPostingTimes(fans.activity, {
        competition: uploadCompetition(author, items, range),
      });
    }
    data.trends = events.length === 0 ? [] : creatorTrends(author, events, items, { limit: 10 });
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    data.authorError = error.message;
    return data;
  }
  const draft = query.draft?.trim() || latestCaption(snapshot, author);
  if (draft !== undefined) {
    data.draft = draft;
    try {
      const provider = context.options.titleProvider ?? minedTitles(snapshot);
      data.titles = provider === undefined ? [] : await provider.suggest({ caption: draft }, 5);
    } catch (error) {
      data.titlesError = error instanceof Error ? error.message : String(error);
    }
  }
  return data;
}

function latestCaption(snapshot: PlatformSnapshot, author: string): string | undefined {
  const own = snapshot.items.filter((item) => item.author === author && item.caption);
  own.sort((a, b) => (b.uploadTime ?? 0) - (a.uploadTime ?? 0));
  return own[0]?.caption;
}

/** The assistant's embedded title miner over the captions of items watched in the window (engagement = events). */
function minedTitles(snapshot: PlatformSnapshot): TitleMiner | undefined {
  const engagement = itemEngagement(snapshot.events);
  const corpus = snapshot.items
    .filter((item) => item.caption && engagement.has(item.id))
    .map((item) => ({
      itemId: item.id,
      caption: item.caption!,
      hashtags: item.hashtags,
      categories: item.categories,
      engagement: engagement.get(item.id)!.events,
    }));
  return corpus.length === 0 ? undefined : new TitleMiner(corpus);
}

function heatmapChart(values: readonly number[], title: string, id: string): SafeHtml {
  const max = Math.max(1, ...values);
  return chart(
    {
      title: { text: title, textStyle: { fontSize: 13 } },
      tooltip: { position: 'top' },
      grid: { top: 36, left: 45, right: 20, bottom: 40 },
      xAxis: {
        type: 'category',
        name: 'hour (UTC)',
        nameLocation: 'center',
        nameGap: 26,
        data: Array.from({ length: 24 }, (_, hour) => String(hour)),
        splitArea: { show: true },
      },
      yAxis: { type: 'category', data: weekdays, inverse: true, splitArea: { show: true } },
      visualMap: { min: 0, max, show: false, inRange: { color: ['#f7fbff', '#2b6cb0'] } },
      series: [
        {
          name: 'events',
          type: 'heatmap',
          data: values.map((count, slot) => [
            slot % 24,
            Math.floor(slot / 24),
            Math.round(count * 100) / 100,
          ]),
        },
      ],
    },
    { id, height: 280 },
  );
}

function trendTable(data: CreatorData): SafeHtml {
  const personal = data.author !== undefined;
  return table(
    [
      'topic',
      'events (last day)',
      'day before',
      'growth',
      'peak z',
      ...(personal ? ['near your niche', 'yours'] : []),
    ],
    data.trends.map((trend) => [
      trend.topic,
      trend.count,
      trend.previousCount,
      `${trend.growthPercent >= 0 ? '+' : ''}${formatNumber(trend.growthPercent, 0)}%`,
      Number.isFinite(trend.peakZ) ? formatNumber(trend.peakZ, 1) : '–',
      ...(personal ? [formatNumber(trend.similarity ?? 0, 2), trend.own ? 'yes' : ''] : []),
    ]),
    { id: 'trends', empty: 'No topic rose in the last day of the window.' },
  );
}

export function creatorPage(data: CreatorData): SafeHtml {
  const picker = h`<form class="inline" method="get" action="/dashboard/creator"><input name="author" list="authors" placeholder="author id" value="${data.author ?? ''}"><datalist id="authors">${data.authors.map(
    (entry) => h`<option value="${entry.author}">${formatNumber(entry.events)} views</option>`,
  )}</datalist><button class="primary" type="submit">Show</button></form>`;
  const range = h`<p class="muted">${dayLabel(data.since)} to ${dayLabel(data.until - DAY_MS)} (UTC), ${formatNumber(data.snapshot.events)} events${data.snapshot.truncated ? ' (the newest beyond the snapshot limit left out)' : ''}.</p>`;
  const platform = heatmapChart(data.platformHeatmap, 'Views on the whole platform', 'platform-heatmap');
  if (data.author === undefined) {
    return h`${picker}${range}
${section(
  'Most watched authors',
  table(
    ['author', 'views', 'items watched'],
    data.authors
      .slice(0, 15)
      .map((entry) => [
        h`<a href="/dashboard/creator?author=${encodeURIComponent(entry.author)}">${entry.author}</a>`,
        entry.events,
        entry.items,
      ]),
    { id: 'top-authors', empty: 'No views of items with an author in the window.' },
  ),
)}
<div class="grid">${section('Trending topics on the platform', trendTable(data))}${section('When viewers watch', platform)}</div>`;
  }
  if (data.authorError !== undefined) return h`${picker}${range}${notice(data.authorError, 'author-error')}`;
  const figures = data.figures!;
  const windows =
    data.postingWindows === undefined
      ? notice('No fans yet (followers or repeat viewers): no posting times to suggest.', 'no-fans')
      : h`<p>Post shortly before (UTC): <strong data-testid="posting-windows">${data.postingWindows.map((window) => window.label).join(', ')}</strong></p>${table(
          ['window', "share of fans' activity", 'score'],
          data.postingWindows.map((window) => [
            window.label,
            formatPercent(window.activityShare),
            formatNumber(window.score, 3),
          ]),
        )}`;
  const titleForm = h`<form class="inline" method="get" action="/dashboard/creator"><input type="hidden" name="author" value="${data.author}"><input name="draft" size="40" placeholder="draft title" value="${data.draft ?? ''}"><button class="primary" type="submit">Suggest</button></form>`;
  const titles =
    data.titlesError !== undefined
      ? h`<p class="error">Title suggestions failed: ${data.titlesError}</p>`
      : data.draft === undefined
        ? h`<p class="muted">Type a draft title.</p>`
        : table(
            ['title', 'source', 'similarity', 'engagement'],
            (data.titles ?? []).map((title) => [
              title.title,
              title.source,
              title.similarity,
              title.engagement,
            ]),
            { id: 'titles', empty: 'No similar captions with high engagement.' },
          );
  return h`${picker}${range}
${section(
  `Author ${data.author}`,
  cards([
    { label: 'views', value: figures.events, id: 'creator-views' },
    { label: 'watch hours', value: figures.playTimeMs / 3_600_000, digits: 1, id: 'creator-hours' },
    { label: 'items watched', value: figures.items, id: 'creator-items' },
    { label: 'fans', value: figures.fans, id: 'creator-fans', hint: 'followers, else repeat viewers' },
  ]),
)}
<div class="grid">
${section('Posting times', windows, heatmapChart(data.fanHeatmap ?? [], 'When your fans watch (hour x weekday)', 'fan-heatmap'))}
${section('Trends near your niche', trendTable(data))}
${section('Title suggestions', titleForm, titles)}
${section('Views on the whole platform', platform)}
</div>`;
}
