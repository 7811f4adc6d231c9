import {
  type CreatorPostingTimes,
  type CreatorTrend,
  creatorPostingTimes,
  creatorTrends,
  DAY_MS,
  HOUR_MS,
  type TitleDraft,
  type TitleSuggester,
  type TitleSuggestion,
  trainTitleSuggester,
} from '../assistant/index.js';
import type { ItemRecord, Store } from '../storage/index.js';
import { type ContentTags, EmbeddedTagger, type Language, type Tagger } from '../understand/index.js';
import { defaultWindowBounds, readStoreWindow, type StoreWindow, type WindowBounds } from './store-window.js';
import { TtlCache } from './ttl-cache.js';

export interface InsightsOptions extends Partial<WindowBounds> {
  /** Default: the embedded tagger without a category model (categories then come from the store). */
  tagger?: Tagger;
  /** How long a snapshot of the store, an item's tags and a creator's answers are reused (default 5 minutes). */
  ttlMs?: number;
  /** Item tag results kept (default 10,000). */
  maxCachedTags?: number;
  /** Creator answers kept (default 2,000). */
  maxCachedAnswers?: number;
  /** Seed of the title engagement predictor (default 42). */
  seed?: number;
  /** The clock (tests). */
  now?: () => number;
}

/** What one snapshot covered: the evidence behind a creator answer. */
export interface WindowSummary {
  since: number;
  until: number;
  events: number;
  items: number;
  /** The configured window held too many events, so only its latest part was read. */
  shortened: boolean;
}

export interface ItemTags {
  itemId: string;
  tagger: string;
  categories: string[];
  /** `tagger` when the tagger's model predicted the path, `store` when it had none and the stored path is shown. */
  categorySource: 'tagger' | 'store' | 'none';
  tags: ContentTags;
  language: Language;
  topics: string[];
  aiGenerated?: boolean;
  keywords: string[];
  sentiment: number;
  vectorDim: number;
  notes: string[];
}

export type TrendBin = 'hour' | 'day';

export interface CreatorTrendsAnswer {
  creatorId: string;
  bin: TrendBin;
  window: WindowSummary;
  trends: CreatorTrend[];
}

export interface PostingTimesAnswer extends CreatorPostingTimes {
  creatorId: string;
  utcOffsetHours: number;
  window: WindowSummary;
}

export interface TitlesAnswer {
  creatorId: string;
  /** P(high engagement) of the draft itself, when a predictor could be trained. */
  draftPredicted?: number;
  titles: TitleSuggestion[];
  window: WindowSummary;
}

/** Thrown when the recent log is too thin for an answer (no captioned item has events). */
export class InsufficientDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InsufficientDataError';
  }
}

interface Snapshot {
  /** Counts up with every read, so cached answers of an older snapshot are not served with a newer one. */
  generation: number;
  loadedAt: number;
  window: StoreWindow;
  summary: WindowSummary;
  authors: Set<string>;
  /** Trained on first use. */
  suggester?: TitleSuggester | InsufficientDataError;
}

/**
 * Content understanding and the creator assistant over the store's recent
 * past: one snapshot of the log (bounded by `WindowBounds`) is read at most
 * once per `ttlMs` and shared by every creator route; each answer and each
 * item's tags are cached for `ttlMs` too. Once a snapshot is older than
 * `ttlMs`, the next request starts reading a new one in the background and is
 * answered from the old one (stale-while-revalidate: only the very first
 * request waits for a read). A creator with no item in the snapshot is unknown
 * (the methods answer undefined).
 */
export class InsightsService {
  readonly #store: Store;
  readonly #tagger: Tagger;
  readonly #bounds: WindowBounds;
  readonly #now: () => number;
  readonly #seed: number;
  readonly #ttlMs: number;
  #current: Snapshot | undefined;
  #reading: Promise<Snapshot> | undefined;
  #generation = 0;
  readonly #tags: TtlCache<Promise<ItemTags>>;
  readonly #answers: TtlCache<Promise<unknown>>;

  constructor(store: Store, options: InsightsOptions = {}) {
    this.#store = store;
    this.#tagger = options.tagger ?? new EmbeddedTagger();
    this.#bounds = {
      windowMs: options.windowMs ?? defaultWindowBounds.windowMs,
      maxEvents: options.maxEvents ?? defaultWindowBounds.maxEvents,
      maxItems: options.maxItems ?? defaultWindowBounds.maxItems,
    };
    for (const [name, value] of Object.entries(this.#bounds)) {
      if (!(Number.isInteger(value) && value >= 1))
        throw new RangeError(`InsightsService: ${name} ${value} must be a whole number >= 1`);
    }
    this.#now = options.now ?? Date.now;
    this.#seed = options.seed ?? 42;
    const ttl = options.ttlMs ?? 5 * 60_000;
    this.#ttlMs = ttl;
    this.#tags = new TtlCache(ttl, options.maxCachedTags ?? 10_000, this.#now);
    this.#answers = new TtlCache(ttl, options.maxCachedAnswers ?? 2_000, this.#now);
  }

  /** The tagger's reading of a stored item, or undefined for an unknown id. */
  async itemTags(itemId: string): Promise<ItemTags | undefined> {
    const item = await this.#store.getItem(itemId);
    if (item === undefined) return undefined;
    return this.#tagsOf(item);
  }

  /**
   * Tags the item and writes the result into its record: `tags` becomes the
   * elements, actions and emotions; `categories` the predicted path (kept when
   * the tagger predicted none); `aiGenerated` the tagger's flag when it could
   * tell. Undefined for an unknown id.
   */
  async storeItemTags(itemId: string): Promise<{ tags: ItemTags; item: ItemRecord } | undefined> {
    const item = await this.#store.getItem(itemId);
    if (item === undefined) return undefined;
    const tags = await this.#tagsOf(item);
    const content = [...new Set([...tags.tags.elements, ...tags.tags.actions, ...tags.tags.emotions])];
    const { updatedAt: _updatedAt, ...input } = item;
    await this.#store.upsertItems([
      {
        ...input,
        tags: content,
        ...(tags.categorySource === 'tagger' && { categories: tags.categories }),
        ...(tags.aiGenerated !== undefined && { aiGenerated: tags.aiGenerated }),
      },
    ]);
    const stored = await this.#store.getItem(itemId);
    return { tags, item: stored ?? item };
  }

  async trends(
    creatorId: string,
    options: { bin: TrendBin; limit: number },
  ): Promise<CreatorTrendsAnswer | undefined> {
    const snapshot = await this.#snapshotNow();
    if (!snapshot.authors.has(creatorId)) return undefined;
    const key = `trends\u0000${snapshot.generation}\u0000${creatorId}\u0000${options.bin}\u0000${options.limit}`;
    return this.#answers.getOrSet(key, async () => {
      const binMs = options.bin === 'hour' ? HOUR_MS : DAY_MS;
      const { window } = snapshot;
      const trends = creatorTrends(creatorId, window.events, window.items, {
        binMs,
        // Bins end at `until` (the last one is the last 24 hours, not a calendar day just begun) and
        // start at the first event (empty bins before the log began would read as a burst).
        start:
          window.until - Math.ceil((window.until - (window.events[0]?.time ?? window.since)) / binMs) * binMs,
        end: window.until,
        period: options.bin === 'hour' ? 168 : 7,
        windowBins: Math.round(DAY_MS / binMs),
        distinctUsers: true,
        limit: options.limit,
      });
      return { creatorId, bin: options.bin, window: snapshot.summary, trends };
    }) as Promise<CreatorTrendsAnswer>;
  }

  async postingTimes(
    creatorId: string,
    options: { utcOffsetHours: number; count: number; windowHours: number },
  ): Promise<PostingTimesAnswer | undefined> {
    const snapshot = await this.#snapshotNow();
    if (!snapshot.authors.has(creatorId)) return undefined;
    const key = `posting\u0000${snapshot.generation}\u0000${creatorId}\u0000${options.utcOffsetHours}\u0000${options.count}\u0000${options.windowHours}`;
    return this.#answers.getOrSet(key, async () => {
      const { window } = snapshot;
      const answer = creatorPostingTimes(creatorId, window.events, window.items, {
        ...options,
        until: window.until,
      });
      return { creatorId, utcOffsetHours: options.utcOffsetHours, ...answer, window: snapshot.summary };
    }) as Promise<PostingTimesAnswer>;
  }

  /** Throws `InsufficientDataError` when no captioned item of the window has events. */
  async titles(creatorId: string, draft: TitleDraft, count: number): Promise<TitlesAnswer | undefined> {
    const snapshot = await this.#snapshotNow();
    if (!snapshot.authors.has(creatorId)) return undefined;
    if (snapshot.suggester === undefined) {
      try {
        snapshot.suggester = trainTitleSuggester(snapshot.window.events, snapshot.window.items, {
          seed: this.#seed,
        });
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        snapshot.suggester = new InsufficientDataError(
          `No captioned item has events between ${new Date(snapshot.summary.since).toISOString()} and ${new Date(snapshot.summary.until).toISOString()}: nothing to learn titles from`,
        );
      }
    }
    const suggester = snapshot.suggester;
    if (suggester instanceof InsufficientDataError) throw suggester;
    const titles = await suggester.miner.suggest(draft, count);
    const draftPredicted = suggester.predictor?.predict(draft);
    return {
      creatorId,
      ...(draftPredicted !== undefined && { draftPredicted }),
      titles,
      window: snapshot.summary,
    };
  }

  /** Resolves once no snapshot read is in flight (tests, and callers that want fresh answers). */
  async settled(): Promise<void> {
    while (this.#reading !== undefined) await this.#reading.catch(() => undefined);
  }

  async #snapshotNow(): Promise<Snapshot> {
    const current = this.#current;
    if (current !== undefined && this.#now() - current.loadedAt < this.#ttlMs) return current;
    const reading = this.#reading ?? this.#read();
    // A stale snapshot answers while the new one is read; only the first read is waited for.
    return current ?? reading;
  }

  #read(): Promise<Snapshot> {
    const loadedAt = this.#now();
    const reading = readStoreWindow(this.#store, loadedAt, this.#bounds).then((window): Snapshot => {
      const authors = new Set<string>();
      for (const item of window.items) if (item.author !== undefined) authors.add(item.author);
      const snapshot: Snapshot = {
        generation: ++this.#generation,
        loadedAt,
        window,
        authors,
        summary: {
          since: window.since,
          until: window.until,
          events: window.events.length,
          items: window.items.length,
          shortened: window.shortened,
        },
      };
      this.#current = snapshot;
      return snapshot;
    });
    this.#reading = reading;
    const done = () => {
      if (this.#reading === reading) this.#reading = undefined;
    };
    reading.then(done, done);
    return reading;
  }

  #tagsOf(item: ItemRecord): Promise<ItemTags> {
    return this.#tags.getOrSet(`${item.id}\u0000${item.updatedAt}`, async () => {
      const result = await this.#tagger.tag({
        ...(item.caption !== undefined && { caption: item.caption }),
        hashtags: item.hashtags,
      });
      const fromTagger = result.categories.length > 0;
      const categories = fromTagger ? result.categories : item.categories;
      const aiGenerated = result.aiGenerated ?? (item.aiGenerated ? true : undefined);
      return {
        itemId: item.id,
        tagger: this.#tagger.name,
        categories,
        categorySource: fromTagger ? 'tagger' : categories.length > 0 ? 'store' : 'none',
        tags: result.tags,
        language: result.language,
        topics: result.topics,
        ...(aiGenerated !== undefined && { aiGenerated }),
        keywords: result.keywords,
        sentiment: result.sentiment,
        vectorDim: result.vector.length,
        notes: result.notes,
      };
    });
  }
}
