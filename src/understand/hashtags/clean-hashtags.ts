import type { Item } from '../../data/index.js';
import type { HashtagClassifier } from './hashtag-classifier.js';
import type { HashtagCorpus } from './hashtag-corpus.js';
import { toDocument } from './hashtag-corpus.js';
import type { HashtagLabel } from './hashtag-label.js';
import { normalizeHashtag } from './normalize-hashtag.js';
import type { SynonymGroups } from './synonym-merge.js';

/** One of a video's hashtags after cleaning. */
export interface CleanedHashtag {
  /** As written. */
  raw: string;
  /** Normalised, then mapped to its synonym group's representative. */
  topic: string;
  label: HashtagLabel;
  /** The classifier's probability of `label`. */
  confidence: number;
}

export interface CleanedHashtags {
  /** Distinct content topics, in the order written: what the Tagger reports as cleaned topics. */
  topics: string[];
  hashtags: CleanedHashtag[];
}

/**
 * Cleans a video's hashtags: normalises each, classifies it as content,
 * promotional or unrelated against the video's caption and category, and maps
 * content tags to their synonym representative. The video need not be in the
 * corpus (a new upload); when its id is in the corpus, the corpus's copy is read
 * (and left out of the tag statistics). Tags that normalise to nothing (only
 * emoji) are dropped.
 */
export function cleanHashtags(
  item: Item,
  model: { corpus: HashtagCorpus; classifier: HashtagClassifier; synonyms?: SynonymGroups },
): CleanedHashtags {
  const document = model.corpus.document(item.id) ?? toDocument(item);
  const hashtags: CleanedHashtag[] = [];
  const topics: string[] = [];
  for (const raw of item.hashtags ?? []) {
    const normalized = normalizeHashtag(raw);
    if (normalized === '') continue;
    const prediction = model.classifier.classify(model.corpus, raw, document);
    const topic = model.synonyms?.canonical.get(normalized) ?? normalized;
    hashtags.push({
      raw,
      topic,
      label: prediction.label,
      confidence: prediction.probabilities[prediction.label],
    });
    if (prediction.label === 'content' && !topics.includes(topic)) topics.push(topic);
  }
  return { topics, hashtags };
}

/**
 * The cleaner in the shape of the embedded tagger's `topicCleaner` option:
 * hashtags in, content topics out. The optional second argument carries the
 * caption and category; without it a tag can still be told promotional, but
 * not unrelated, since nothing says what the video is about.
 */
export function hashtagTopicCleaner(model: {
  corpus: HashtagCorpus;
  classifier: HashtagClassifier;
  synonyms?: SynonymGroups;
}): (
  hashtags: readonly string[],
  video?: { caption?: string; coverText?: string; categories?: string[] },
) => string[] {
  let calls = 0;
  return (hashtags, video = {}) => {
    const item: Item = {
      id: `topic-cleaner:${calls++}`,
      hashtags: [...hashtags],
      ...(video.caption !== undefined && { text: video.caption }),
      ...(video.coverText !== undefined && { coverText: video.coverText }),
      ...(video.categories !== undefined && { categories: video.categories }),
    };
    return cleanHashtags(item, model).topics;
  };
}
