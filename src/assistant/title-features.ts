import { normaliseHashtag } from './topics.js';
import { wordsOf } from './words.js';

/** What the engagement predictor sees of a title: its words, hashtags and categories. */
export interface TitleDraft {
  caption: string;
  hashtags?: readonly string[];
  categories?: readonly string[];
}

/** Which feature groups a predictor uses: all of them, or one alone (the baselines). */
export type FeatureSet = 'full' | 'length' | 'category';

/** Hashed sparse features of one draft: bucket ids in [0, buckets) and their values. */
export interface HashedFeatures {
  ids: Int32Array;
  values: Float32Array;
}

/**
 * Feature hashing (Weinberger et al. 2009) of a draft into `buckets` weights:
 * word unigrams and bigrams (weight 1/sqrt(n) so long captions do not dominate),
 * hashtags, every category level, the length in characters and in words (bucketed
 * on a log scale) and whether it has hashtags. `set` keeps one group only: the
 * length-only and category-prior baselines are the same model on fewer features.
 */
export function hashFeatures(draft: TitleDraft, buckets: number, set: FeatureSet = 'full'): HashedFeatures {
  const names: string[] = [];
  const values: number[] = [];
  const add = (name: string, value: number) => {
    names.push(name);
    values.push(value);
  };
  const words = wordsOf(draft.caption);
  if (set === 'full') {
    const grams: string[] = [];
    for (let i = 0; i < words.length; i++) {
      grams.push(`w:${words[i]}`);
      if (i + 1 < words.length) grams.push(`b:${words[i]}_${words[i + 1]}`);
    }
    const weight = grams.length > 0 ? 1 / Math.sqrt(grams.length) : 0;
    for (const gram of grams) add(gram, weight);
    for (const tag of draft.hashtags ?? []) {
      const normal = normaliseHashtag(tag);
      if (normal) add(`h:${normal}`, 1);
    }
  }
  if (set === 'full' || set === 'category') {
    (draft.categories ?? []).forEach((category, level) => {
      add(`c${level}:${category}`, 1);
    });
  }
  if (set === 'full' || set === 'length') {
    const characters = [...draft.caption.trim()].length;
    add(`len:${Math.round(2 * Math.log2(1 + characters))}`, 1);
    add(`words:${Math.round(2 * Math.log2(1 + words.length))}`, 1);
    add(`tags:${Math.min(5, draft.hashtags?.length ?? 0)}`, 1);
  }
  add('bias', 1);
  const ids = new Int32Array(names.length);
  for (let i = 0; i < names.length; i++) ids[i] = fnv1a(names[i]!) % buckets;
  return { ids, values: Float32Array.from(values) };
}

/** 32-bit FNV-1a over UTF-16 code units, unsigned. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
