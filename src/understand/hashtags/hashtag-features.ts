import { segment } from '../text/segmenter.js';
import type { HashtagCorpus, HashtagDocument } from './hashtag-corpus.js';
import { normalizeHashtag } from './normalize-hashtag.js';
import { promoCueNames, promoCues, ruleKeywords } from './promo-cues.js';
import { characterOverlap } from './text-overlap.js';

/** The columns `hashtagFeatures` returns, in order. */
export const hashtagFeatureNames = [
  'logVideos',
  'categoryEntropy',
  'categorySpread',
  'categoryLift',
  'captionCharacterOverlap',
  'captionWordOverlap',
  'captionContextCosine',
  'categoryNameOverlap',
  'wordCategoryLift',
  'promoCompany',
  ...promoCueNames.map((name) => `cue:${name}`),
  'ruleKeyword',
  'logLength',
  'latin',
  'digit',
  'logTagsOnVideo',
  'emptyBody',
] as const;

/**
 * Features of hashtag `tag` on video `document` (docs/understand.md, "Hashtag
 * cleaning"): how widely the tag is used (frequency, category entropy and
 * spread), whether it belongs with this video (leave-one-out lift of this
 * video's category, overlap and context cosine with the caption, overlap with
 * the category names), lexical promotional cues and the company it keeps.
 * When the video is part of the corpus its own contribution is left out of the
 * tag's statistics, so a tag seen once looks unseen, as it would on a new upload.
 */
export function hashtagFeatures(corpus: HashtagCorpus, tag: string, document: HashtagDocument): Float64Array {
  const normalized = normalizeHashtag(tag);
  const statistics = corpus.tags.get(normalized);
  const inCorpus = corpus.document(document.item.id) === document && document.tags.includes(normalized);
  const self = inCorpus ? 1 : 0;
  const videos = (statistics?.videos ?? 0) - self;
  const categoryCount = Math.max(corpus.categories.size, 2);

  // Category distribution of the tag's other videos.
  let entropy = 0;
  let distinct = 0;
  let sameCategory = 0;
  if (statistics !== undefined && videos > 0) {
    for (const [category, count] of statistics.categories) {
      const others = count - (inCorpus && category === document.firstCategory ? 1 : 0);
      if (category === document.firstCategory) sameCategory = others;
      if (others <= 0) continue;
      distinct++;
      const p = others / videos;
      entropy -= p * Math.log(p);
    }
  }
  const prior =
    ((corpus.categories.get(document.firstCategory) ?? 0) + 1) / (corpus.taggedVideos + categoryCount);
  // Smoothed P(category | tag) over P(category): additive prior of one pseudo-video.
  const lift = Math.log((sameCategory + prior) / (videos + 1) / prior);

  const body = document.body.normalize('NFKC').toLowerCase();
  const tagWords = segment(normalized);
  const wordOverlap =
    tagWords.length === 0 ? 0 : tagWords.filter((word) => document.words.has(word)).length / tagWords.length;

  const cues = promoCues(normalized);
  const features = [
    Math.log1p(videos),
    videos > 1 ? entropy / Math.log(categoryCount) : 0,
    videos > 0 ? distinct / Math.min(videos, categoryCount) : 0,
    lift,
    characterOverlap(normalized, body),
    wordOverlap,
    contextCosine(corpus, normalized, document, inCorpus),
    characterOverlap(normalized, (document.item.categories ?? []).join(' ')),
    wordCategoryLift(corpus, tagWords, document, inCorpus),
    statistics !== undefined && statistics.videos > 0 ? statistics.promoCompany / statistics.videos : 0,
    ...cues,
    ruleKeywords.test(normalized) ? 1 : 0,
    Math.log([...normalized].length + 1),
    /[a-z]/u.test(normalized) ? 1 : 0,
    /\d/u.test(normalized) ? 1 : 0,
    Math.log(document.tags.length + 1),
    document.body === '' ? 1 : 0,
  ];
  return Float64Array.from(features);
}

/**
 * Cosine (idf-weighted) between this video's words and the words of the tag's
 * other videos: does this caption read like the captions the tag usually sits on?
 */
function contextCosine(
  corpus: HashtagCorpus,
  tag: string,
  document: HashtagDocument,
  inCorpus: boolean,
): number {
  const statistics = corpus.tags.get(tag);
  if (statistics === undefined || document.words.size === 0) return 0;
  let dot = 0;
  let contextNorm = 0;
  for (const [word, count] of statistics.words) {
    const own = inCorpus && document.words.has(word) ? 1 : 0;
    const weight = (count - own) * corpus.idf(word);
    if (weight <= 0) continue;
    contextNorm += weight * weight;
    if (document.words.has(word)) dot += weight * corpus.idf(word);
  }
  let documentNorm = 0;
  for (const word of document.words) documentNorm += corpus.idf(word) ** 2;
  return contextNorm === 0 ? 0 : dot / Math.sqrt(contextNorm * documentNorm);
}

/**
 * Mean over the tag's words of the smoothed log lift of this video's category
 * among all videos using the word (in text or tags), leaving this video out:
 * generalises category fit to tags seen once (去旅行 is a travel word, whatever
 * the tag around it).
 */
function wordCategoryLift(
  corpus: HashtagCorpus,
  words: readonly string[],
  document: HashtagDocument,
  inCorpus: boolean,
): number {
  if (words.length === 0) return 0;
  const total = corpus.documents.size;
  const categoryCount = Math.max(corpus.allCategories.size, 2);
  const prior = ((corpus.allCategories.get(document.firstCategory) ?? 0) + 1) / (total + categoryCount);
  let sum = 0;
  for (const word of words) {
    const categories = corpus.wordCategories.get(word);
    let videos = 0;
    for (const count of categories?.values() ?? []) videos += count;
    const own = inCorpus ? 1 : 0;
    const same = Math.max((categories?.get(document.firstCategory) ?? 0) - own, 0);
    videos = Math.max(videos - own, 0);
    sum += Math.log((same + 2 * prior) / (videos + 2) / prior);
  }
  return sum / words.length;
}
