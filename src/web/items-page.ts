import type { ItemRecord } from '../storage/index.js';
import { normalizeHashtag } from '../understand/index.js';
import { formatNumber, notice, section, table } from './components.js';
import type { DashboardContext } from './dashboard-context.js';
import { h, type SafeHtml } from './safe-html.js';

export interface ItemsData {
  query?: string;
  /** Items matching the query (id, caption, author, hashtags, tags, categories). */
  results: ItemRecord[];
  /** Catalogue items looked through for the query (the search stops after `SEARCH_LIMIT`). */
  searched: number;
  item?: ItemRecord;
  /** The hashtags normalised (understand's `normalizeHashtag`: NFKC, lower case, simplified Chinese, no symbols). */
  normalizedHashtags: string[];
  /** Provider answers; `undefined` when the provider is not configured. Audience finding always runs (over the window's events). */
  cleanedHashtags?: string[];
  similar?: Array<{ itemId: string; score: number; caption?: string; author?: string }>;
  audience?: Array<{ userId: string; score: number }>;
  /** Why a provider gave no answer (its error message). */
  errors: Record<string, string>;
}

const SEARCH_LIMIT = 50_000;
const RESULTS = 50;

function matches(item: ItemRecord, needle: string): boolean {
  const fields = [
    item.id,
    item.caption ?? '',
    item.author ?? '',
    ...item.hashtags,
    ...item.tags,
    ...item.categories,
  ];
  return fields.some((field) => field.toLowerCase().includes(needle));
}

export async function itemsData(
  context: DashboardContext,
  query: { q?: string; id?: string },
): Promise<ItemsData> {
  const { store, options } = context;
  const data: ItemsData = { results: [], searched: 0, normalizedHashtags: [], errors: {} };
  const q = query.q?.trim();
  if (q) {
    data.query = q;
    const exact = await store.getItem(q);
    if (exact !== undefined) data.results.push(exact);
    const needle = q.toLowerCase();
    let cursor: string | undefined;
    do {
      const page = await store.listItems({ limit: 1000, ...(cursor === undefined ? {} : { cursor }) });
      data.searched += page.records.length;
      for (const item of page.records) {
        if (item.id !== exact?.id && matches(item, needle)) data.results.push(item);
      }
      cursor = page.cursor;
    } while (cursor !== undefined && data.results.length < RESULTS && data.searched < SEARCH_LIMIT);
    data.results = data.results.slice(0, RESULTS);
  }
  const id = query.id?.trim();
  if (id) {
    const item = await store.getItem(id);
    if (item === undefined) return data;
    data.item = item;
    data.normalizedHashtags = [...new Set(item.hashtags.map(normalizeHashtag).filter((tag) => tag !== ''))];
    const attempt = async <T>(name: string, work: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await work();
      } catch (error) {
        data.errors[name] = error instanceof Error ? error.message : String(error);
        return undefined;
      }
    };
    const video = {
      ...(item.caption === undefined ? {} : { caption: item.caption }),
      categories: item.categories,
    };
    const [cleaned, similar, audience] = await Promise.all([
      options.cleanHashtags &&
        attempt('cleanedHashtags', async () => options.cleanHashtags!(item.hashtags, video)),
      options.similar && attempt('similar', () => options.similar!(item.id, 10)),
      attempt('audience', async () => (await context.snapshot(await context.window())).audience(item.id, 10)),
    ]);
    if (cleaned !== undefined) data.cleanedHashtags = cleaned;
    if (similar !== undefined) {
      const known = new Map(
        (await store.getItems(similar.map((entry) => entry.itemId))).map((entry) => [entry.id, entry]),
      );
      data.similar = similar.map((entry) => {
        const other = known.get(entry.itemId);
        return {
          itemId: entry.itemId,
          score: entry.score,
          ...(other?.caption === undefined ? {} : { caption: other.caption }),
          ...(other?.author === undefined ? {} : { author: other.author }),
        };
      });
    }
    if (audience !== undefined) data.audience = [...audience];
  }
  return data;
}

function itemLink(id: string): SafeHtml {
  return h`<a href="/dashboard/items?id=${encodeURIComponent(id)}">${id}</a>`;
}

function providerPart<T>(
  data: ItemsData,
  name: 'cleanedHashtags' | 'similar' | 'audience',
  what: string,
  render: (value: T) => SafeHtml,
): SafeHtml {
  if (data.errors[name] !== undefined) return h`<p class="error">${what} failed: ${data.errors[name]}</p>`;
  const value = data[name] as T | undefined;
  if (value === undefined)
    return notice(
      `${what}: not available yet (no provider is configured on this server).`,
      `${name}-unavailable`,
    );
  return render(value);
}

export function itemsPage(data: ItemsData, requestedId?: string): SafeHtml {
  const search = h`<form class="inline" method="get" action="/dashboard/items"><input name="q" placeholder="id, caption, author, hashtag, tag" value="${data.query ?? ''}" size="40"><button class="primary" type="submit">Search</button></form>`;
  const results =
    data.query === undefined
      ? ''
      : section(
          `Results for “${data.query}”`,
          table(
            ['id', 'caption', 'author', 'categories', 'AI', 'hidden'],
            data.results.map((item) => [
              itemLink(item.id),
              item.caption,
              item.author,
              item.categories.join(' / '),
              item.aiGenerated ? 'yes' : '',
              item.hidden ? 'hidden' : '',
            ]),
            {
              id: 'search-results',
              empty: `No item matches (looked through ${formatNumber(data.searched)} items).`,
            },
          ),
        );
  if (data.item === undefined) {
    return h`${search}${results}${requestedId ? notice(`No item with id ${requestedId}.`, 'item-missing') : ''}`;
  }
  const item = data.item;
  const chips = (values: readonly string[]) => (values.length === 0 ? '–' : values.join(', '));
  return h`${search}${results}
${section(
  `Item ${item.id}`,
  table(
    ['field', 'value'],
    [
      ['caption', item.caption],
      [
        'author',
        item.author === undefined
          ? undefined
          : h`<a href="/dashboard/creator?author=${encodeURIComponent(item.author)}">${item.author}</a>`,
      ],
      ['categories', item.categories.join(' / ') || '–'],
      ['tags', chips(item.tags)],
      ['hashtags', chips(item.hashtags)],
      [
        'semantic ID',
        item.semanticId === undefined
          ? 'not assigned yet'
          : h`<code data-testid="semantic-id">${item.semanticId.join('-')}</code>`,
      ],
      [
        'duration',
        item.durationMs === undefined ? undefined : `${formatNumber(item.durationMs / 1000, 1)} s`,
      ],
      [
        'uploaded (UTC)',
        item.uploadTime === undefined
          ? undefined
          : new Date(item.uploadTime).toISOString().slice(0, 16).replace('T', ' '),
      ],
      ['AI-generated', item.aiGenerated ? 'yes' : 'no'],
      ['hidden', item.hidden ? 'yes' : 'no'],
    ],
    { id: 'item-fields' },
  ),
)}
<div class="grid">
${section(
  'Hashtags',
  h`<p>Normalised: <span data-testid="normalized-hashtags">${chips(data.normalizedHashtags)}</span></p>`,
  providerPart<string[]>(
    data,
    'cleanedHashtags',
    'Content topics (promotional and unrelated tags removed)',
    (cleaned) => h`<p>Content topics: <span data-testid="cleaned-hashtags">${chips(cleaned)}</span></p>`,
  ),
)}
${section(
  'Similar items',
  providerPart<NonNullable<ItemsData['similar']>>(data, 'similar', 'Similar items', (similar) =>
    table(
      ['item', 'score', 'caption', 'author'],
      similar.map((entry) => [itemLink(entry.itemId), entry.score, entry.caption, entry.author]),
      { id: 'similar-items', empty: 'No similar items.' },
    ),
  ),
)}
${section(
  'Likely audience (not yet watched)',
  providerPart<NonNullable<ItemsData['audience']>>(data, 'audience', 'Audience finding', (audience) =>
    table(
      ['user', 'score'],
      audience.map((entry) => [
        h`<a href="/dashboard/users?id=${encodeURIComponent(entry.userId)}">${entry.userId}</a>`,
        entry.score,
      ]),
      { id: 'audience', empty: 'No likely audience.' },
    ),
  ),
)}
</div>`;
}
