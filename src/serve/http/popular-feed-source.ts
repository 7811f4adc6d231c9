import { randomUUID } from 'node:crypto';
import { NotFoundError } from '../../core/index.js';
import type { FeedItem, StageCost } from '../../feed/index.js';
import type { FeedInput, ItemRecord, Store } from '../../storage/index.js';
import { claimFeed, pushUsable } from '../feed-claims.js';
import type { FeedSource, PipelineStatus, ServedFeed, SimilarItem } from '../feed-source.js';
import { FeedsInFlight } from '../feeds-in-flight.js';

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
 * popular and new items. A real FeedSource for the HTTP layer's tests and the
 * crash-safety server, and for embedding the server without models
 * (`genfeed serve` runs the `FeedService`, whose cold-start feed stands in
 * while no model is loaded). Every feed is logged to the store before it is
 * returned, claimed like the feed service's (`feed-claims.ts`): concurrent
 * requests for one user, on this server or on others sharing the store, never
 * repeat an item within the no-repeat window.
 */
export class PopularFeedSource implements FeedSource {
  readonly #store: Store;
  readonly #popularWindowMs: number;
  readonly #noRepeatWindowMs: number;
  readonly #similarCandidates: number;
  readonly #now: () => number;
  readonly #inFlight = new FeedsInFlight();

  constructor(store: Store, options: PopularFeedOptions = {}) {
    this.#store = store;
    this.#popularWindowMs = options.popularWindowMs ?? 7 * DAY_MS;
    this.#noRepeatWindowMs = options.noRepeatWindowMs ?? 7 * DAY_MS;
    this.#similarCandidates = options.similarCandidates ?? 500;
    this.#now = options.now ?? Date.now;
  }

  async feed(userId: string, n: number): Promise<ServedFeed> {
    if (this.#noRepeatWindowMs <= 0) return this.#serve(userId, n, new Set());
    const inFlight = this.#inFlight.enter(userId);
    try {
      return await this.#serve(userId, n, inFlight);
    } finally {
      this.#inFlight.leave(userId);
    }
  }

  /** `feed`; `inFlight`: the items this user's other requests are serving now (grown here too). */
  async #serve(userId: string, n: number, inFlight: Set<string>): Promise<ServedFeed> {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const now = this.#now();
    const since = now - this.#noRepeatWindowMs;
    const exclude = new Set(await this.#store.shownItems(userId, since));
    const items: FeedItem[] = [];
    // Popular items first, then the newest; items other requests took meanwhile are skipped as they come.
    const pick = async () => {
      const request = { n, exclude };
      const popular = await this.#store.popularItems({
        since: now - this.#popularWindowMs,
        limit: n + exclude.size + inFlight.size,
      });
      const top = popular[0]?.events ?? 1;
      const scored = popular.map((entry) => ({
        itemId: entry.itemId,
        score: entry.events / top,
        source: 'popular',
      }));
      pushUsable(items, scored, request, inFlight);
      let cursor: string | undefined;
      while (items.length < n) {
        const page = await this.#store.listItems({
          order: 'newest',
          hidden: false,
          limit: Math.max(100, n),
          ...(cursor && { cursor }),
        });
        const fresh = page.records.map((item) => ({ itemId: item.id, score: 0, source: 'fresh' }));
        pushUsable(items, fresh, request, inFlight);
        if (page.cursor === undefined) break;
        cursor = page.cursor;
      }
    };
    await pick();
    const requestId = randomUUID();
    const cost = (): StageCost => {
      const used = process.cpuUsage(cpu);
      return { latencyMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
    };
    const record = (): FeedInput => {
      const recall = cost();
      return {
        requestId,
        userId,
        pipeline: 'popular',
        time: now,
        items: items.map(({ itemId, score }) => ({ itemId, score })),
        latencyMs: recall.latencyMs,
        cpuMs: recall.cpuMs,
        stages: { recall },
      };
    };
    let logged: FeedInput;
    if (this.#noRepeatWindowMs <= 0) {
      logged = record();
      await this.#store.insertFeeds([logged]);
    } else {
      // As the feed service does: the store logs the feed only if it repeats nothing shown since
      // `since` (another server's request may have shown some of it); else drop, top up, claim again.
      logged = await claimFeed(this.#store, {
        since,
        items,
        n,
        record,
        refused: (shown) => {
          for (const item of shown) {
            exclude.add(item);
            inFlight.add(item);
          }
        },
        topUp: pick,
      });
    }
    const recall = logged.stages?.recall ?? cost();
    return { requestId, userId, pipeline: 'popular', items, ...recall, stages: { recall } };
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
