import { interpolatedQuantile } from '../statistics/index.js';
import { normalizeHashtag, promoKeywordRule } from '../understand/index.js';
import type { EngagementPredictor } from './engagement-predictor.js';
import type { TitleDraft } from './title-features.js';
import type { TitleProvider, TitleSuggestion } from './title-provider.js';
import { normaliseHashtag } from './topics.js';
import { wordsOf } from './words.js';

/** A caption of the corpus with its measured engagement (any scale where more is better). */
export interface EngagedCaption extends TitleDraft {
  itemId: string;
  engagement: number;
}

export interface TitleMinerOptions {
  /** Only captions at or above this engagement quantile are mined (default 0.7). */
  minQuantile?: number;
  /** Most similar captions considered before the re-ranking, per title asked (default 4). */
  poolFactor?: number;
  /**
   * Re-ranks the pool by similarity x P(high engagement); without it, by
   * similarity x the caption's engagement rank in the corpus (0..1].
   */
  predictor?: EngagementPredictor;
}

/**
 * The embedded title provider: real high-engagement captions of similar
 * content. Similarity is the cosine of TF-IDF vectors over words, hashtags and
 * category levels (a category shared counts like a rare word: it is the
 * strongest sign of "similar content"). The most similar `poolFactor * n`
 * captions are re-ranked by similarity x predicted engagement (relevance stays
 * a factor, so a hit film does not win on popularity alone) and the best n
 * returned without their promotional hashtags. Function words and bare numbers (years, episode numbers) are left
 * out of the similarity.
 */
export class TitleMiner implements TitleProvider {
  readonly name = 'mined';
  readonly #entries: Array<{
    caption: EngagedCaption;
    vector: Map<string, number>;
    norm: number;
    rank: number;
  }>;
  readonly #idf: Map<string, number>;
  readonly #options: TitleMinerOptions;

  constructor(corpus: readonly EngagedCaption[], options: TitleMinerOptions = {}) {
    this.#options = options;
    const withText = corpus.filter((caption) => caption.caption.trim().length > 0);
    if (withText.length === 0) throw new RangeError('TitleMiner: the corpus has no non-empty caption');
    const threshold = interpolatedQuantile(
      withText.map((caption) => caption.engagement),
      options.minQuantile ?? 0.7,
    );
    const kept = withText.filter((caption) => caption.engagement >= threshold);
    const documentFrequency = new Map<string, number>();
    const terms = kept.map((caption) => termsOf(caption));
    for (const counts of terms)
      for (const term of counts.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
    this.#idf = new Map(
      [...documentFrequency].map(([term, df]) => [term, Math.log((1 + kept.length) / (1 + df)) + 1]),
    );
    const byEngagement = [...kept].sort((a, b) => a.engagement - b.engagement);
    const rankOf = new Map(byEngagement.map((caption, i) => [caption, (i + 1) / byEngagement.length]));
    this.#entries = kept.map((caption, i) => {
      const vector = this.#weigh(terms[i]!);
      return { caption, vector, norm: normOf(vector), rank: rankOf.get(caption)! };
    });
  }

  /** Captions in the mined corpus (those above the engagement threshold). */
  get size(): number {
    return this.#entries.length;
  }

  async suggest(draft: TitleDraft, count: number): Promise<TitleSuggestion[]> {
    return this.mine(draft, count);
  }

  /** Synchronous form of `suggest`. */
  mine(draft: TitleDraft, count: number): TitleSuggestion[] {
    if (!(Number.isInteger(count) && count >= 1))
      throw new RangeError(`TitleMiner: count ${count} must be >= 1`);
    const query = this.#weigh(termsOf(draft));
    const queryNorm = normOf(query);
    const draftText = draft.caption.trim();
    const scored = this.#entries
      .filter((entry) => entry.caption.caption.trim() !== draftText)
      .map((entry) => {
        let dot = 0;
        for (const [term, weight] of query) dot += weight * (entry.vector.get(term) ?? 0);
        const similarity = queryNorm > 0 && entry.norm > 0 ? dot / (queryNorm * entry.norm) : 0;
        return { entry, similarity };
      })
      .filter((candidate) => candidate.similarity > 0)
      .sort(
        (a, b) => b.similarity - a.similarity || a.entry.caption.itemId.localeCompare(b.entry.caption.itemId),
      );
    const pool = scored.slice(0, count * (this.#options.poolFactor ?? 4));
    const predictor = this.#options.predictor;
    const ranked = pool
      .map((candidate) => {
        const predicted = predictor?.predict(candidate.entry.caption);
        const key = candidate.similarity * (predicted ?? candidate.entry.rank);
        return { ...candidate, predicted, key };
      })
      .sort((a, b) => b.key - a.key || b.similarity - a.similarity);
    // The same caption posted twice (reposts) is one suggestion.
    const seen = new Set<string>();
    const suggestions: TitleSuggestion[] = [];
    for (const candidate of ranked) {
      const title = withoutPromotionalHashtags(candidate.entry.caption.caption);
      if (title === '' || seen.has(title)) continue;
      seen.add(title);
      suggestions.push({
        title,
        source: 'mined',
        itemId: candidate.entry.caption.itemId,
        similarity: candidate.similarity,
        engagement: candidate.entry.caption.engagement,
        ...(candidate.predicted !== undefined && { predicted: candidate.predicted }),
      });
      if (suggestions.length === count) break;
    }
    return suggestions;
  }

  #weigh(counts: Map<string, number>): Map<string, number> {
    const vector = new Map<string, number>();
    for (const [term, count] of counts) {
      const idf = this.#idf.get(term);
      if (idf !== undefined) vector.set(term, (1 + Math.log(count)) * idf);
    }
    return vector;
  }
}

function termsOf(draft: TitleDraft): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (term: string) => counts.set(term, (counts.get(term) ?? 0) + 1);
  for (const word of wordsOf(draft.caption))
    if (!stopWords.has(word) && !/^\d+$/.test(word)) add(`w:${word}`);
  for (const tag of draft.hashtags ?? []) {
    const normal = normaliseHashtag(tag);
    if (normal) add(`h:${normal}`);
  }
  (draft.categories ?? []).forEach((category, level) => {
    if (category.toUpperCase() !== 'UNKNOWN') add(`c${level}:${category}`);
  });
  return counts;
}

/**
 * A mined caption without its traffic-begging hashtags ("#感谢快手我要上热门",
 * "#上热门"): the `understand` module's keyword rule on the normalised tag.
 */
export function withoutPromotionalHashtags(caption: string): string {
  return caption
    .replace(/[#＃][^#＃\s]+/gu, (tag) =>
      promoKeywordRule(normalizeHashtag(tag)) === 'promotional' ? ' ' : tag,
    )
    .replace(/\s+/gu, ' ')
    .trim();
}

/** Function words that make captions look alike without sharing content (English and Chinese). */
const stopWords = new Set(
  (
    'a an the of in on at to for and or with from by is are was my your our this that it aka a.k.a ' +
    '的 了 是 我 你 他 她 它 们 在 和 也 就 都 不 有 这 那 吗 吧 啊 呢 哦 嗯 个 一个 没有 什么 一下'
  ).split(' '),
);

function normOf(vector: Map<string, number>): number {
  let sum = 0;
  for (const value of vector.values()) sum += value * value;
  return Math.sqrt(sum);
}
