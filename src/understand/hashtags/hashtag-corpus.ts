import type { Item } from '../../data/index.js';
import { segment } from '../text/segmenter.js';
import { captionBody } from './caption-body.js';
import { normalizeHashtag } from './normalize-hashtag.js';
import { promoKeywordRule } from './promo-cues.js';

/** What the corpus knows about one normalised hashtag, summed over the videos that carry it. */
export interface TagStatistics {
  /** Videos carrying the tag. */
  videos: number;
  /** First-level category -> videos. */
  categories: Map<string, number>;
  /** Other normalised tags on the same videos -> videos. */
  coTags: Map<string, number>;
  /** Words of those videos' caption bodies and cover texts -> videos. */
  words: Map<string, number>;
  /** Sum over its videos of the share of the other tags the keyword rule calls promotional. */
  promoCompany: number;
}

/** One video as the hashtag cleaner reads it: the data module's `Item` plus derived text. */
export interface HashtagDocument {
  item: Item;
  /** Normalised hashtags, duplicates and empty ones removed, in first-seen order. */
  tags: string[];
  /** Distinct words of caption body and cover text. */
  words: Set<string>;
  /** Caption body and cover text joined. */
  body: string;
  firstCategory: string;
}

const NO_CATEGORY = '';

/**
 * Corpus statistics of hashtags over a catalogue of videos (KuaiRec captions):
 * how often each normalised tag appears, in which categories, with which other
 * tags and caption words. The features of `hashtagFeatures` read them.
 */
export class HashtagCorpus {
  readonly tags = new Map<string, TagStatistics>();
  readonly documents = new Map<string, HashtagDocument>();
  /** First-level category -> videos with at least one tag. */
  readonly categories = new Map<string, number>();
  /** Word -> videos (with tags) whose body holds it. */
  readonly wordDocuments = new Map<string, number>();
  /** Word of any video's body or tags -> first-level category -> videos (every video, tagged or not). */
  readonly wordCategories = new Map<string, Map<string, number>>();
  /** First-level category -> videos, every video. */
  readonly allCategories = new Map<string, number>();
  #taggedVideos = 0;

  static fromItems(items: Iterable<Item>): HashtagCorpus {
    const corpus = new HashtagCorpus();
    for (const item of items) corpus.add(item);
    return corpus;
  }

  /** Videos with at least one tag. */
  get taggedVideos(): number {
    return this.#taggedVideos;
  }

  /** Adds one video (items without hashtags are kept as documents but count in no statistic). */
  add(item: Item): HashtagDocument {
    if (this.documents.has(item.id)) throw new RangeError(`video ${item.id} was already added to the corpus`);
    const document = toDocument(item);
    this.documents.set(item.id, document);
    increment(this.allCategories, document.firstCategory);
    const vocabulary = new Set(document.words);
    for (const tag of document.tags) for (const word of segment(tag)) vocabulary.add(word);
    for (const word of vocabulary) {
      let categories = this.wordCategories.get(word);
      if (categories === undefined) {
        categories = new Map();
        this.wordCategories.set(word, categories);
      }
      increment(categories, document.firstCategory);
    }
    if (document.tags.length === 0) return document;
    this.#taggedVideos++;
    increment(this.categories, document.firstCategory);
    for (const word of document.words) increment(this.wordDocuments, word);
    const promotional = document.tags.map((tag) => (promoKeywordRule(tag) === 'promotional' ? 1 : 0));
    const promoTotal = promotional.reduce<number>((sum, flag) => sum + flag, 0);
    document.tags.forEach((tag, k) => {
      let statistics = this.tags.get(tag);
      if (statistics === undefined) {
        statistics = {
          videos: 0,
          categories: new Map(),
          coTags: new Map(),
          words: new Map(),
          promoCompany: 0,
        };
        this.tags.set(tag, statistics);
      }
      statistics.videos++;
      increment(statistics.categories, document.firstCategory);
      for (const other of document.tags) if (other !== tag) increment(statistics.coTags, other);
      for (const word of document.words) increment(statistics.words, word);
      const others = document.tags.length - 1;
      if (others > 0) statistics.promoCompany += (promoTotal - promotional[k]!) / others;
    });
    return document;
  }

  document(videoId: string): HashtagDocument | undefined {
    return this.documents.get(videoId);
  }

  /** Inverse document frequency of a caption word, smoothed: log((N + 1) / (df + 1)) + 1. */
  idf(word: string): number {
    return Math.log((this.#taggedVideos + 1) / ((this.wordDocuments.get(word) ?? 0) + 1)) + 1;
  }
}

export function toDocument(item: Item): HashtagDocument {
  const tags: string[] = [];
  for (const raw of item.hashtags ?? []) {
    const tag = normalizeHashtag(raw);
    if (tag !== '' && !tags.includes(tag)) tags.push(tag);
  }
  const body = [captionBody(item.text ?? ''), item.coverText ?? ''].filter(Boolean).join(' ');
  return {
    item,
    tags,
    words: new Set(body === '' ? [] : segment(body)),
    body,
    firstCategory: item.categories?.[0] ?? NO_CATEGORY,
  };
}

function increment(counts: Map<string, number>, key: string, by = 1): void {
  counts.set(key, (counts.get(key) ?? 0) + by);
}
