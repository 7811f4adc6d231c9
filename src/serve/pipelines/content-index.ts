import type { Item } from '../../data/index.js';
import type { CatalogueRecord } from '../../feed/index.js';
import { metadataFeatures } from '../../tokenizer/index.js';

/** The data module's item of a stored catalogue record (what the tokenizer's feature extractor reads). */
export function itemOfRecord(record: CatalogueRecord): Item {
  const item: Item = {
    id: record.id,
    hashtags: record.hashtags,
    categories: record.categories,
    tags: record.tags,
  };
  if (record.caption !== undefined) item.text = record.caption;
  if (record.author !== undefined) item.author = record.author;
  return item;
}

/** The sparse content features of a stored item: tags, hashtags, category path prefixes, author, caption words. */
export function featuresOf(record: CatalogueRecord): string[] {
  return [...new Set([...metadataFeatures(itemOfRecord(record)).values()].flat())];
}

export interface ContentNeighbour {
  /** Index of the neighbour in the order the index was built from. */
  index: number;
  /** Cosine of the binary idf-weighted feature vectors, in (0, 1]. */
  similarity: number;
}

/**
 * Content neighbours by shared metadata features: an inverted index from each
 * feature to the items that have it, idf weights ln((1 + N) / (1 + df)) + 1,
 * cosine of the binary idf-weighted vectors. Posting lists longer than
 * `maxShare` of the items (default 10%, at least 50 items) are not walked: such
 * features separate little and cost the most (they still count in the query's
 * norm). Items can be appended; idf stays as built.
 */
export class ContentIndex {
  readonly #postings = new Map<string, number[]>();
  readonly #idf = new Map<string, number>();
  readonly #norms: number[] = [];
  readonly #maxPosting: number;
  /** Scratch accumulator of `neighbours`, reused (requests run one at a time). */
  #scores = new Float64Array(0);

  /** The index of `items` (index i = item i); `features` are their `featuresOf`, when already computed. */
  constructor(
    items: readonly CatalogueRecord[],
    options: { maxShare?: number } = {},
    features: readonly (readonly string[])[] = items.map(featuresOf),
  ) {
    const documentFrequency = new Map<string, number>();
    for (const list of features)
      for (const feature of list) documentFrequency.set(feature, (documentFrequency.get(feature) ?? 0) + 1);
    const count = items.length;
    for (const [feature, frequency] of documentFrequency)
      this.#idf.set(feature, Math.log((1 + count) / (1 + frequency)) + 1);
    this.#maxPosting = Math.max(50, Math.floor((options.maxShare ?? 0.1) * count));
    for (const list of features) this.#add(list);
  }

  /**
   * The same, extracting features `chunk` items at a time and yielding to the
   * event loop between chunks, so a server building a new model version keeps
   * answering requests meanwhile.
   */
  static async build(
    items: readonly CatalogueRecord[],
    options: { maxShare?: number; chunk?: number } = {},
  ): Promise<ContentIndex> {
    const chunk = options.chunk ?? 1000;
    const features: string[][] = [];
    for (let start = 0; start < items.length; start += chunk) {
      for (const item of items.slice(start, start + chunk)) features.push(featuresOf(item));
      await new Promise((resolve) => setImmediate(resolve));
    }
    return new ContentIndex(items, options, features);
  }

  get size(): number {
    return this.#norms.length;
  }

  /** Adds an item at index `size` (a cold-start item); returns its index. */
  add(record: CatalogueRecord): number {
    return this.#add(featuresOf(record));
  }

  /** The `k` most similar indexed items to `record`, most similar first (ties: lower index); `skip` is left out. */
  neighbours(record: CatalogueRecord, k: number, skip?: number): ContentNeighbour[] {
    return this.neighboursOfFeatures(featuresOf(record), k, skip);
  }

  /** `neighbours` of a feature list (e.g. a user's declared interests as `tag:`/`category:` features). */
  neighboursOfFeatures(features: readonly string[], k: number, skip?: number): ContentNeighbour[] {
    if (this.#scores.length < this.#norms.length) this.#scores = new Float64Array(this.#norms.length * 2);
    const scores = this.#scores; // [items], zero outside `touched`
    const touched: number[] = [];
    let queryNorm = 0;
    for (const feature of new Set(features)) {
      const idf = this.#idf.get(feature);
      if (idf === undefined) continue;
      queryNorm += idf * idf;
      const posting = this.#postings.get(feature);
      if (posting === undefined || posting.length > this.#maxPosting) continue;
      for (const index of posting) {
        if (scores[index] === 0) touched.push(index);
        scores[index]! += idf * idf;
      }
    }
    const found: ContentNeighbour[] = [];
    for (const index of touched) {
      if (index !== skip)
        found.push({ index, similarity: scores[index]! / Math.sqrt(queryNorm * this.#norms[index]!) });
      scores[index] = 0;
    }
    found.sort((a, b) => b.similarity - a.similarity || a.index - b.index);
    return found.slice(0, k);
  }

  #add(features: readonly string[]): number {
    const index = this.#norms.length;
    let norm = 0;
    for (const feature of features) {
      const idf = this.#idf.get(feature);
      if (idf === undefined) continue; // a feature unseen at build time: no idf, no posting
      norm += idf * idf;
      let posting = this.#postings.get(feature);
      if (posting === undefined) {
        posting = [];
        this.#postings.set(feature, posting);
      }
      posting.push(index);
    }
    this.#norms.push(norm);
    return index;
  }
}
