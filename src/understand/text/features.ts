import { segment } from './segmenter.js';

/** The text of one video that content understanding reads. */
export interface ContentText {
  caption?: string;
  coverText?: string;
  hashtags?: readonly string[];
}

export interface FeatureOptions {
  /** Han character n-gram lengths; default [1, 2, 3]. Empty turns them off. */
  charNgrams?: readonly number[];
  /** Adjacent word pairs; default true. */
  wordBigrams?: boolean;
  /** Each hashtag whole, as one feature; default true. */
  hashtagFeatures?: boolean;
}

/**
 * Named sparse features of a video's text, for a bag model: words of caption,
 * cover text and hashtags (`w:`), word bigrams (`b:`), Han character n-grams
 * (`c:`, robust to segmentation errors and to the slang jieba does not know, as
 * in fastText's subword features, Bojanowski et al. 2017), whole hashtags
 * (`h:`), and `empty` for a video with no text, so it still has an input.
 */
export function textFeatures(content: ContentText, options: FeatureOptions = {}): string[] {
  const charNgrams = options.charNgrams ?? [1, 2, 3];
  const features: string[] = [];
  const hashtags = content.hashtags ?? [];
  const texts = [content.caption ?? '', content.coverText ?? '', ...hashtags];
  for (const text of texts) {
    if (text === '') continue;
    const words = segment(text);
    for (const word of words) features.push(`w:${word}`);
    if (options.wordBigrams ?? true) {
      for (let i = 1; i < words.length; i++) features.push(`b:${words[i - 1]}|${words[i]}`);
    }
    for (const run of text.match(/\p{Script=Han}+/gu) ?? []) {
      const characters = [...run];
      for (const n of charNgrams) {
        for (let i = 0; i + n <= characters.length; i++)
          features.push(`c:${characters.slice(i, i + n).join('')}`);
      }
    }
  }
  if (options.hashtagFeatures ?? true)
    for (const tag of hashtags) features.push(`h:${tag.trim().toLowerCase()}`);
  if (features.length === 0) features.push('empty');
  return features;
}

/** All of a video's text joined, for segmenters and keyword extraction. */
export function joinedText(content: ContentText): string {
  return [content.caption ?? '', content.coverText ?? '', ...(content.hashtags ?? [])]
    .filter(Boolean)
    .join(' ');
}

/** 32-bit FNV-1a of a string's UTF-16 code units, to hash features into buckets. */
export function hashFeature(feature: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < feature.length; i++) {
    hash ^= feature.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
