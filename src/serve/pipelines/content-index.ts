import type { Item } from '../../data/index.js';
import type { ItemRecord } from '../../storage/index.js';
import { metadataFeatures } from '../../tokenizer/index.js';

/** The data module's item of a stored catalogue record (what the tokenizer's feature extractor reads). */
export function itemOfRecord(record: ItemRecord): Item {
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
export function featuresOf(record: ItemRecord): string[] {
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
 * cosine of the binary idf-weighted vectors. Features held by more than
 * `maxShare` of the items are skipped (they separate nothing and their posting
 * lists cost the most). Items can be appended; idf stays as built.
 */
export class ContentIndex {
  readonly #postings = new Map<string, number[]>();
  readonly #idf = new Map<string, number>();
  readonly #norms: number[] = [];
  readonly #maxPosting: number;

  constructor(items: readonly ItemRecord[], options: { maxShare?: number } = {}) {
    const features = items.map(featuresOf);
    const documentFrequency = new Map<string, number>();
    for (const list of features)
      for (const feature of list) documentFrequency.set(feature, (documentFrequency.get(feature) ?? 0) + 1);
    const count = items.length;
    for (const [feature, frequency] of documentFrequency)
      this.#idf.set(feature, Math.log((1 + count) / (1 + frequency)) + 1);
    this.#maxPosting = Math.max(2, Math.floor((options.maxShare ?? 0.5) * count));
    for (const list of features) this.#add(list);
  }

  get size(): number {
    return this.#norms.length;
  }

  /** Adds an item at index `size` (a cold-start item); returns its index. */
  add(record: ItemRecord): number {
    return this.#add(featuresOf(record));
  }

  /** The `k` most similar indexed items to `record`, most similar first (ties: lower index); `skip` is left out. */
  neighbours(record: ItemRecord, k: number, skip?: number): ContentNeighbour[] {
    return this.neighboursOfFeatures(featuresOf(record), k, skip);
  }

  /** `neighbours` of a feature list (e.g. a user's declared interests as `tag:`/`category:` features). */
  neighboursOfFeatures(features: readonly string[], k: number, skip?: number): ContentNeighbour[] {
    const scores = new Map<number, number>();
    let queryNorm = 0;
    for (const feature of new Set(features)) {
      const idf = this.#idf.get(feature);
      if (idf === undefined) continue;
      queryNorm += idf * idf;
      const posting = this.#postings.get(feature);
      if (posting === undefined || posting.length > this.#maxPosting) continue;
      for (const index of posting) scores.set(index, (scores.get(index) ?? 0) + idf * idf);
    }
    if (skip !== undefined) scores.delete(skip);
    const found: ContentNeighbour[] = [];
    for (const [index, dot] of scores)
      found.push({ index, similarity: dot / Math.sqrt(queryNorm * this.#norms[index]!) });
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
