import { randomUUID } from 'node:crypto';
import { NotFoundError } from '../../core/index.js';
import type { ItemRecord, Store } from '../../storage/index.js';
import type { FeedSource, PipelineStatus, ServedFeed, SimilarItem } from '../feed-source.js';

export interface PopularFeedOptions {
  /** Popularity counts events of this window before now. Default 7 days. */
  popularWindowMs?: number;
  /** Items shown to (or acted on by) the user within this window are not served again. Default 7 days. */
  noRepeatWindowMs?: number;
  /** Items compared for `similar`: this many popular plus this many newest. Default 500. */
  similarCandidates?: number;
  now?: () => number;
}

const DAY_MS = 86_400_000;

/**
 * A feed source needing no model: the most popular visible items of the
 * recent window, topped up with the newest, minus what the user was already
 * shown; similar items by shared categories, tags, hashtags and author among
 * popular and new items. What `genfeed serve` runs when no model is
 * registered, and a real FeedSource for the HTTP layer's tests. Every feed is
 * logged to the store before it is returned.
 */
export class PopularFeedSource implements FeedSource {
  readonly #store: Store;
  readonly #popularWindowMs: number;
  readonly #noRepeatWindowMs: number;
  readonly #similarCandidates: number;
  readonly #now: () => number;

  constructor(store: Store, options: PopularFeedOptions = {}) {
    this.#store = store;
    this.#popularWindowMs = options.popularWindowMs ?? 7 * DAY_MS;
    this.#noRepeatWindowMs = options.noRepeatWindowMs ?? 7 * DAY_MS;
    this.#similarCandidates = options.similarCandidates ?? 500;
    this.#now = options.now ?? Date.now;
  }

  async feed(userId: string, n: number): Promise<ServedFeed> {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const now = this.#now();
    const shown = new Set(await this.#store.shownItems(userId, now - this.#noRepeatWindowMs));
    const popular = await this.#store.popularItems({
      since: now - this.#popularWindowMs,
      limit: n + shown.size,
    });
    const top = popular[0]?.events ?? 1;
    const items: ServedFeed['items'] = [];
    for (const candidate of popular) {
      if (items.length >= n) break;
      if (shown.has(candidate.itemId)) continue;
      items.push({ itemId: candidate.itemId, score: candidate.events / top, source: 'popular' });
    }
    let cursor: string | undefined;
    const taken = new Set(items.map((item) => item.itemId));
    while (items.length < n) {
      const page = await this.#store.listItems({
        order: 'newest',
        hidden: false,
        limit: Math.max(100, n),
        ...(cursor && { cursor }),
      });
      for (const item of page.records) {
        if (items.length >= n) break;
        if (shown.has(item.id) || taken.has(item.id)) continue;
        taken.add(item.id);
        items.push({ itemId: item.id, score: 0, source: 'fresh' });
      }
      if (page.cursor === undefined) break;
      cursor = page.cursor;
    }
    const used = process.cpuUsage(cpu);
    const cost = { latencyMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
    const requestId = randomUUID();
    await this.#store.insertFeeds([
      {
        requestId,
        userId,
        pipeline: 'popular',
        time: now,
        items: items.map(({ itemId, score }) => ({ itemId, score })),
        latencyMs: cost.latencyMs,
        cpuMs: cost.cpuMs,
        stages: { recall: cost },
      },
    ]);
    return { requestId, userId, pipeline: 'popular', items, ...cost, stages: { recall: cost } };
  }

  async similar(itemId: string, n: number): Promise<SimilarItem[]> {
    const item = await this.#store.getItem(itemId);
    if (item === undefined) throw new NotFoundError(`Item ${JSON.stringify(itemId)} not found`);
    const now = this.#now();
    const popular = await this.#store.popularItems({
      since: now - this.#popularWindowMs,
      limit: this.#similarCandidates,
    });
    const newest = await this.#store.listItems({
      order: 'newest',
      hidden: false,
      limit: this.#similarCandidates,
    });
    const candidates = new Map<string, ItemRecord>(newest.records.map((record) => [record.id, record]));
    for (const record of await this.#store.getItems(popular.map((entry) => entry.itemId)))
      candidates.set(record.id, record);
    candidates.delete(itemId);
    const features = contentFeatures(item);
    return [...candidates.values()]
      .filter((candidate) => !candidate.hidden)
      .map((candidate) => ({ itemId: candidate.id, score: jaccard(features, contentFeatures(candidate)) }))
      .filter((entry) => entry.score > 0)
      .sort((a, b) => b.score - a.score || (a.itemId < b.itemId ? -1 : 1))
      .slice(0, n);
  }

  pipelines(): PipelineStatus[] {
    return [{ name: 'popular', ready: true }];
  }
}

function contentFeatures(item: ItemRecord): Set<string> {
  return new Set([
    ...item.categories.map((category) => `c:${category}`),
    ...item.tags.map((tag) => `t:${tag}`),
    ...item.hashtags.map((hashtag) => `h:${hashtag}`),
    ...(item.author === undefined ? [] : [`a:${item.author}`]),
  ]);
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const feature of a) if (b.has(feature)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 0 : shared / union;
}
