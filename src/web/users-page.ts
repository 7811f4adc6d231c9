import type { FeedItem } from '../feed/index.js';
import type { EventRecord, ItemRecord, UserRecord } from '../storage/index.js';
import { binarySignals } from '../storage/index.js';
import { formatNumber, notice, section, table } from './components.js';
import type { DashboardContext } from './dashboard-context.js';
import { h, type SafeHtml } from './safe-html.js';

export interface PipelineFeed {
  pipeline: string;
  modelVersion?: string;
  items?: Array<FeedItem & { caption?: string }>;
  cpuMs?: number;
  error?: string;
}

export interface UsersData {
  userId?: string;
  user?: UserRecord;
  history: Array<EventRecord & { caption?: string }>;
  /** What each configured pipeline would serve now (not logged); undefined when no pipelines are configured. */
  feeds?: PipelineFeed[];
}

const HISTORY = 50;
const FEED_SIZE = 10;
const WEEK_MS = 7 * 86_400_000;

export async function usersData(context: DashboardContext, query: { id?: string }): Promise<UsersData> {
  const { store, options } = context;
  const userId = query.id?.trim();
  if (!userId) return { history: [] };
  const [user, events] = await Promise.all([
    store.getUser(userId),
    store.userEvents(userId, { limit: HISTORY }),
  ]);
  const data: UsersData = { userId, history: [] };
  if (user !== undefined) data.user = user;
  const captions = await captionsOf(
    context,
    events.map((event) => event.itemId),
  );
  data.history = events.map((event) => withCaption(event, captions.get(event.itemId)));
  const pipelines = options.pipelines?.();
  if (pipelines === undefined) return data;
  const now = context.now();
  const [longHistory, shown] = await Promise.all([
    store.userEvents(userId, { limit: 100 }),
    store.shownItems(userId, now - (options.noRepeatWindowMs ?? WEEK_MS)),
  ]);
  const request = {
    userId,
    n: FEED_SIZE,
    history: longHistory.map((event) => event.itemId).reverse(),
    exclude: new Set(shown),
    now,
  };
  data.feeds = pipelines.map((pipeline): PipelineFeed => {
    const base = {
      pipeline: pipeline.name,
      ...(pipeline.modelVersion === undefined ? {} : { modelVersion: pipeline.modelVersion }),
    };
    try {
      const result = pipeline.recommend(request);
      const cpuMs = Object.values(result.stages).reduce((sum, stage) => sum + stage.cpuMs, 0);
      return { ...base, items: result.items, cpuMs };
    } catch (error) {
      return { ...base, error: error instanceof Error ? error.message : String(error) };
    }
  });
  const feedCaptions = await captionsOf(
    context,
    data.feeds.flatMap((feed) => feed.items?.map((item) => item.itemId) ?? []),
  );
  for (const feed of data.feeds) {
    if (feed.items !== undefined)
      feed.items = feed.items.map((item) => withCaption(item, feedCaptions.get(item.itemId)));
  }
  return data;
}

async function captionsOf(
  context: DashboardContext,
  ids: readonly string[],
): Promise<Map<string, ItemRecord>> {
  const items = await context.store.getItems([...new Set(ids)]);
  return new Map(items.map((item) => [item.id, item]));
}

function withCaption<T extends object>(record: T, item: ItemRecord | undefined): T & { caption?: string } {
  return item?.caption === undefined ? record : { ...record, caption: item.caption };
}

function itemLink(id: string): SafeHtml {
  return h`<a href="/dashboard/items?id=${encodeURIComponent(id)}">${id}</a>`;
}

export function usersPage(data: UsersData): SafeHtml {
  const form = h`<form class="inline" method="get" action="/dashboard/users"><input name="id" placeholder="user id" value="${data.userId ?? ''}"><button class="primary" type="submit">Show</button></form>`;
  if (data.userId === undefined)
    return h`${form}<p class="muted">Enter a user id to see their history and the feeds the pipelines would serve them now.</p>`;
  const known = data.user !== undefined || data.history.length > 0;
  const features = Object.entries(data.user?.features ?? {});
  const feeds =
    data.feeds === undefined
      ? notice(
          'Feeds side by side: not available yet (no pipelines are configured on this server).',
          'feeds-unavailable',
        )
      : h`<div class="side-by-side">${data.feeds.map(
          (feed) =>
            h`<div data-testid="feed-${feed.pipeline}"><h3>${feed.pipeline}${feed.modelVersion === undefined ? '' : ` (${feed.modelVersion})`}</h3>${
              feed.error !== undefined
                ? h`<p class="error">${feed.error}</p>`
                : h`<p class="muted">${formatNumber(feed.cpuMs ?? 0, 2)} CPU ms</p>${table(
                    ['#', 'item', 'score', 'scores', 'source', 'caption'],
                    (feed.items ?? []).map((item, position) => [
                      position + 1,
                      itemLink(item.itemId),
                      item.score,
                      Object.entries(item.scores ?? {})
                        .map(([name, value]) => `${name} ${formatNumber(value, 3)}`)
                        .join(', ') || undefined,
                      item.source,
                      item.caption,
                    ]),
                    { empty: 'The pipeline returned no items.' },
                  )}`
            }</div>`,
        )}</div>`;
  return h`${form}
${known ? '' : notice(`No user ${data.userId} in the store: the feeds below are what a new user gets.`, 'user-unknown')}
${section(
  'Features',
  features.length === 0
    ? h`<p class="muted">None recorded.</p>`
    : table(
        ['feature', 'value'],
        features.map(([name, value]) => [name, value]),
      ),
)}
${section('Feeds the pipelines would serve now (not logged)', feeds)}
${section(
  'History (newest first)',
  table(
    ['time (UTC)', 'item', 'caption', 'pipeline', 'watch s', 'signals'],
    data.history.map((event) => [
      new Date(event.time).toISOString().slice(0, 16).replace('T', ' '),
      itemLink(event.itemId),
      event.caption,
      event.pipeline,
      formatNumber((event.signals.playTimeMs ?? 0) / 1000, 1),
      binarySignals.filter((signal) => (event.signals[signal] ?? 0) > 0).join(', '),
    ]),
    { id: 'history', empty: 'No events.' },
  ),
)}`;
}
