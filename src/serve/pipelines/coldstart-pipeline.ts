import {
  checkFeedRequest,
  type FeedItem,
  type FeedPipeline,
  type FeedRequest,
  type FeedResult,
  type SimilarItem,
  type StageCost,
  timeStage,
} from '../../feed/index.js';
import type { ItemRecord, PopularItem, Store } from '../../storage/index.js';
import { ContentIndex } from './content-index.js';

const DAY_MS = 86_400_000;

/** What the cold-start feed draws from: a snapshot of the store, refreshed by the service. */
export interface ColdStartSnapshot {
  /** Visible items with the most events in the recent window, most first. */
  popular: readonly PopularItem[];
  /** Visible items, newest upload first. */
  fresh: readonly ItemRecord[];
  /** The visible catalogue (interest matching, content similarity, last resort). */
  catalogue: readonly ItemRecord[];
}

export interface ColdStartLoadOptions {
  /** The popularity window ends here (default: now). */
  now?: number;
  /** Events counted for popularity (default 7 days). */
  popularWindowMs?: number;
  /** Popular and fresh items kept (default 500 each). */
  limit?: number;
  /** The catalogue, when the caller already read it (else it is read here). */
  catalogue?: readonly ItemRecord[];
}

/** The visible catalogue, every page. */
export async function readCatalogue(store: Store): Promise<ItemRecord[]> {
  const items: ItemRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listItems({ limit: 10_000, ...(cursor === undefined ? {} : { cursor }) });
    items.push(...page.records);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return items;
}

type Source = 'interest' | 'popular' | 'fresh';

/** Slots of each source, repeated down the feed (two popular per fresh; interests, when declared, every other slot). */
const MIX: Record<'plain' | 'interested', readonly Source[]> = {
  plain: ['popular', 'popular', 'fresh'],
  interested: ['interest', 'popular', 'interest', 'fresh'],
};

/**
 * The feed for users with no history, and the fallback when a model pipeline
 * is missing or fails: popular items of the last days interleaved with the
 * newest uploads (two to one), and, for a user who declared interests
 * (`features.interests`, e.g. `"cooking, travel"`), items whose tags,
 * hashtags or categories match one every other slot. A source that runs dry
 * yields its slots to the others; the visible catalogue tops the feed up, so a
 * store without events or upload times still gets a full feed.
 * Stages: `candidates`, `mix`.
 */
export class ColdStartPipeline implements FeedPipeline {
  readonly name = 'coldstart';
  readonly #popular: readonly string[];
  readonly #popularEvents: Map<string, number>;
  readonly #fresh: readonly string[];
  readonly #catalogue: readonly ItemRecord[];
  /** Lower-cased tag, hashtag or category -> items having it, most popular first. */
  readonly #byTerm = new Map<string, string[]>();
  #content: ContentIndex | undefined;

  constructor(snapshot: ColdStartSnapshot) {
    const visible = snapshot.catalogue.filter((item) => !item.hidden);
    const visibleIds = new Set(visible.map((item) => item.id));
    this.#popular = snapshot.popular.map((item) => item.itemId).filter((id) => visibleIds.has(id));
    this.#popularEvents = new Map(snapshot.popular.map((item) => [item.itemId, item.events]));
    this.#fresh = snapshot.fresh.filter((item) => !item.hidden).map((item) => item.id);
    this.#catalogue = visible;
    const byPopularity = [...visible].sort(
      (a, b) => (this.#popularEvents.get(b.id) ?? 0) - (this.#popularEvents.get(a.id) ?? 0),
    );
    for (const item of byPopularity)
      for (const term of termsOf(item)) {
        let list = this.#byTerm.get(term);
        if (list === undefined) {
          list = [];
          this.#byTerm.set(term, list);
        }
        list.push(item.id);
      }
  }

  /** A snapshot of the store now: popular in the window, newest uploads, the visible catalogue. */
  static async load(store: Store, options: ColdStartLoadOptions = {}): Promise<ColdStartPipeline> {
    const now = options.now ?? Date.now();
    const limit = options.limit ?? 500;
    const [popular, fresh, catalogue] = await Promise.all([
      store.popularItems({ since: now - (options.popularWindowMs ?? 7 * DAY_MS), limit }),
      store.listItems({ order: 'newest', hidden: false, limit }),
      options.catalogue ?? readCatalogue(store),
    ]);
    return new ColdStartPipeline({ popular, fresh: fresh.records, catalogue });
  }

  recommend(request: FeedRequest): FeedResult {
    return this.recommendWith(request, []);
  }

  /** The feed for a user who declared `interests` (free terms matched against tags, hashtags and categories). */
  recommendWith(request: FeedRequest, interests: readonly string[]): FeedResult {
    checkFeedRequest(request);
    const stages: Record<string, StageCost> = {};
    const lists = timeStage(stages, 'candidates', () => {
      const interest: string[] = [];
      const matched = new Set<string>();
      for (const term of interests.map(normalizeTerm).filter((t) => t.length > 0))
        for (const id of this.#byTerm.get(term) ?? [])
          if (!matched.has(id)) {
            matched.add(id);
            interest.push(id);
          }
      // Most popular first across all the terms (stable: term order breaks ties).
      interest.sort((a, b) => (this.#popularEvents.get(b) ?? 0) - (this.#popularEvents.get(a) ?? 0));
      return { interest, popular: this.#popular, fresh: this.#fresh } satisfies Record<
        Source,
        readonly string[]
      >;
    });
    const items = timeStage(stages, 'mix', () => {
      const pattern = lists.interest.length > 0 ? MIX.interested : MIX.plain;
      const cursors: Record<Source, number> = { interest: 0, popular: 0, fresh: 0 };
      const taken = new Set<string>();
      const out: FeedItem[] = [];
      const consumed = new Set(request.history);
      const usable = (id: string): boolean => !taken.has(id) && !request.exclude.has(id) && !consumed.has(id);
      const next = (source: Source): string | undefined => {
        const list = lists[source];
        while (cursors[source] < list.length) {
          const id = list[cursors[source]++]!;
          if (usable(id)) return id;
        }
        return undefined;
      };
      for (let slot = 0; out.length < request.n; slot++) {
        let found: { id: string; source: string } | undefined;
        for (let tried = 0; tried < pattern.length && found === undefined; tried++) {
          const source = pattern[(slot + tried) % pattern.length]!;
          const id = next(source);
          if (id !== undefined) found = { id, source };
        }
        if (found === undefined) break;
        taken.add(found.id);
        out.push(this.#item(found.id, found.source, out.length, request.n));
      }
      for (const item of this.#catalogue) {
        if (out.length >= request.n) break;
        if (!usable(item.id)) continue;
        taken.add(item.id);
        out.push(this.#item(item.id, 'catalogue', out.length, request.n));
      }
      return out;
    });
    return { items, stages };
  }

  /** Items sharing the most content (tags, hashtags, categories, author, caption words); undefined for an unknown item. */
  similar(itemId: string, n: number): SimilarItem[] | undefined {
    const index = this.#catalogue.findIndex((item) => item.id === itemId);
    if (index < 0) return undefined;
    this.#content ??= new ContentIndex(this.#catalogue);
    return this.#content
      .neighbours(this.#catalogue[index]!, n, index)
      .map(({ index: other, similarity }) => ({ itemId: this.#catalogue[other]!.id, score: similarity }));
  }

  #item(itemId: string, source: string, position: number, n: number): FeedItem {
    return {
      itemId,
      score: 1 - position / n,
      scores: { events: this.#popularEvents.get(itemId) ?? 0 },
      source,
    };
  }
}

/** The declared interests in a user's features: `interests` (or `interest`), split on commas, bars, semicolons. */
export function interestsOf(features: Readonly<Record<string, string | number>> | undefined): string[] {
  const value = features?.interests ?? features?.interest;
  if (typeof value !== 'string') return [];
  return value
    .split(/[,|;]/)
    .map((term) => term.trim())
    .filter((term) => term.length > 0);
}

function normalizeTerm(term: string): string {
  return term.trim().replace(/^#/, '').toLowerCase();
}

function termsOf(item: ItemRecord): Set<string> {
  return new Set(
    [...item.tags, ...item.hashtags, ...item.categories].map(normalizeTerm).filter((t) => t !== ''),
  );
}
