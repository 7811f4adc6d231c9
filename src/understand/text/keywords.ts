/** A keyword and its TF-IDF weight in one document. */
export interface Keyword {
  keyword: string;
  weight: number;
}

/** Words that make poor keywords on their own: one Han character, or digits only. */
function isKeywordCandidate(word: string): boolean {
  if (/^\p{N}+$/u.test(word)) return false;
  return !(word.length === 1 && /\p{Script=Han}/u.test(word));
}

/**
 * TF-IDF keyword extraction with document frequencies counted over a catalogue
 * (the captions of the platform, not a general corpus, so words every caption
 * uses sink): idf(w) = ln((1 + N) / (1 + df(w))) + 1, the smoothed form; an
 * unseen word gets the idf of df = 0, the highest.
 */
export class KeywordExtractor {
  readonly #documentFrequency = new Map<string, number>();
  #documents = 0;

  /** Counts each document's distinct words (documents given as segmented words). */
  fit(documents: Iterable<readonly string[]>): this {
    for (const words of documents) {
      this.#documents++;
      for (const word of new Set(words)) {
        this.#documentFrequency.set(word, (this.#documentFrequency.get(word) ?? 0) + 1);
      }
    }
    return this;
  }

  get documentCount(): number {
    return this.#documents;
  }

  idf(word: string): number {
    return Math.log((1 + this.#documents) / (1 + (this.#documentFrequency.get(word) ?? 0))) + 1;
  }

  /** The `topK` words of one document by tf * idf, ties broken by first appearance. */
  extract(words: readonly string[], topK = 5): Keyword[] {
    const counts = new Map<string, number>();
    for (const word of words) if (isKeywordCandidate(word)) counts.set(word, (counts.get(word) ?? 0) + 1);
    return [...counts]
      .map(([keyword, count]) => ({ keyword, weight: (count / words.length) * this.idf(keyword) }))
      .sort((a, b) => b.weight - a.weight)
      .slice(0, topK);
  }
}
