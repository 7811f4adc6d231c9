import type { HashtagCorpus, TagStatistics } from './hashtag-corpus.js';
import { editSimilarity } from './text-overlap.js';

export interface SynonymOptions {
  /** Merge on spelling alone at or above this edit similarity; default 0.8 (one edit in five characters). */
  spellingThreshold?: number;
  /** Lower edit similarity that still merges when the contexts agree; default 0.6. */
  contextSpellingThreshold?: number;
  /** Context cosine needed with the lower edit similarity; default 0.5. */
  contextThreshold?: number;
  /** Ignore tags on fewer videos (0 keeps all); default 1. */
  minVideos?: number;
}

/** Groups of normalised tags taken as one (representative first), and each tag's representative. */
export interface SynonymGroups {
  canonical: Map<string, string>;
  groups: string[][];
}

/**
 * Merges spelling variants of normalised hashtags (docs/understand.md,
 * "Synonyms"). Two tags merge when their edit similarity reaches
 * `spellingThreshold`, or reaches `contextSpellingThreshold` while the cosine of
 * their contexts (co-occurring tags, weighted by rarity) reaches
 * `contextThreshold` (变瘦变美变好看 ~ 变美变瘦变好看). Star clustering, not
 * transitive closure: tags are visited from the most used, each joins the most
 * similar representative it passes the test against or becomes one, so every
 * member is similar to its representative and chains (今天拍点啥 ~ 今天吃点啥 ~
 * 今天吃什么) cannot form. Candidates share a character bigram with the tag.
 */
export function mergeSynonyms(corpus: HashtagCorpus, options: SynonymOptions = {}): SynonymGroups {
  const spelling = options.spellingThreshold ?? 0.8;
  const contextSpelling = options.contextSpellingThreshold ?? 0.6;
  const contextNeeded = options.contextThreshold ?? 0.5;
  const minVideos = options.minVideos ?? 1;
  const tags = [...corpus.tags]
    .filter(([, statistics]) => statistics.videos >= minVideos)
    .sort(([x, a], [y, b]) => b.videos - a.videos || x.localeCompare(y));
  // Bigram -> representatives holding it.
  const index = new Map<string, string[]>();
  const canonical = new Map<string, string>();
  const members = new Map<string, string[]>();
  for (const [tag, statistics] of tags) {
    const length = [...tag].length;
    let best: string | undefined;
    let bestSimilarity = -1;
    const seen = new Set<string>();
    for (const bigram of new Set(bigrams(tag))) {
      for (const representative of index.get(bigram) ?? []) {
        if (seen.has(representative)) continue;
        seen.add(representative);
        const otherLength = [...representative].length;
        // Edit similarity cannot reach the lower threshold when lengths differ this much.
        if (1 - Math.abs(length - otherLength) / Math.max(length, otherLength) < contextSpelling) continue;
        const similarity = editSimilarity(tag, representative);
        if (similarity <= bestSimilarity) continue;
        const other = corpus.tags.get(representative)!;
        if (
          similarity >= spelling ||
          (similarity >= contextSpelling &&
            contextCosine(corpus, statistics, other, tag, representative) >= contextNeeded)
        ) {
          best = representative;
          bestSimilarity = similarity;
        }
      }
    }
    if (best !== undefined) {
      canonical.set(tag, best);
      members.get(best)!.push(tag);
      continue;
    }
    canonical.set(tag, tag);
    members.set(tag, [tag]);
    for (const bigram of new Set(bigrams(tag))) {
      const list = index.get(bigram) ?? [];
      list.push(tag);
      index.set(bigram, list);
    }
  }
  const groups = [...members.values()].filter((list) => list.length > 1);
  return { canonical, groups };
}

function bigrams(tag: string): string[] {
  const characters = [...tag];
  if (characters.length < 2) return characters;
  const out: string[] = [];
  for (let k = 0; k + 1 < characters.length; k++) out.push(characters[k]! + characters[k + 1]!);
  return out;
}

/**
 * Cosine of two tags' contexts: the tags they co-occur with (each other left
 * out), each weighted by its inverse frequency log(1 + N / videos), so shared
 * boilerplate (作品推广 sits beside everything) counts little. Categories are not
 * used: two tags of one category (春款上新, 秋款上新) share them without meaning one thing.
 */
function contextCosine(
  corpus: HashtagCorpus,
  a: TagStatistics,
  b: TagStatistics,
  tagA: string,
  tagB: string,
): number {
  const weight = (tag: string): number =>
    Math.log1p(corpus.taggedVideos / (corpus.tags.get(tag)?.videos ?? 1));
  let dot = 0;
  for (const [tag, count] of a.coTags) {
    if (tag !== tagB) dot += count * (b.coTags.get(tag) ?? 0) * weight(tag) ** 2;
  }
  const norm = (statistics: TagStatistics, skip: string): number => {
    let sum = 0;
    for (const [tag, count] of statistics.coTags) if (tag !== skip) sum += (count * weight(tag)) ** 2;
    return Math.sqrt(sum);
  };
  const denominator = norm(a, tagB) * norm(b, tagA);
  return denominator === 0 ? 0 : dot / denominator;
}
