import type { CategoryClassifier } from '../category/index.js';
import { extractFrames, type FrameOptions } from '../media/index.js';
import {
  type ContentText,
  detectLanguage,
  isStopWord,
  joinedText,
  KeywordExtractor,
  readEmotion,
  segment,
  tagWords,
} from '../text/index.js';
import { declaredAiGenerated } from './ai-generated.js';
import { cleanTopics } from './clean-topics.js';
import { hashedTextVector } from './hashed-vector.js';
import type { Tagger, TaggerInput, TagResult } from './tagger.js';

export interface EmbeddedTaggerOptions {
  /** A trained category classifier; without one, categories are empty and the vector is the hashed one. */
  classifier?: CategoryClassifier;
  /** Document frequencies for keywords, e.g. fitted on the catalogue's captions; default: none (idf constant). */
  keywords?: KeywordExtractor;
  /** Hashtag cleaning; default `cleanTopics`. */
  topicCleaner?: (hashtags: readonly string[]) => string[];
  /** How frames are read when a media file is given. */
  frames?: FrameOptions;
  /** Tags per kind; default 5. */
  maxTags?: number;
}

/** Part-of-speech tags (jieba's) read as elements: nouns, names, places, English words. */
const ELEMENT_TAGS = /^(n|nr|ns|nt|nz|nw|ng|eng)$/;
/** ... and as actions: verbs and verbal nouns. */
const ACTION_TAGS = /^(v|vn|vd)$/;
/** Verbs too general to describe a video. */
const VAGUE_VERBS = new Set([
  '是',
  '有',
  '来',
  '去',
  '看',
  '说',
  '要',
  '会',
  '能',
  '想',
  '做',
  '让',
  '给',
  '到',
  '上',
  '下',
  '在',
]);

/**
 * The embedded tagger: text models only, nothing downloaded. Categories from the
 * category classifier, elements and actions from part-of-speech tagged words
 * ranked by TF-IDF, emotions and sentiment from the lexicon, language by
 * script, topics from the cleaned hashtags. A media file is read for frames
 * (ffmpeg), but no image model ships yet (see docs/understand.md), so frames
 * only add a note.
 */
export class EmbeddedTagger implements Tagger {
  readonly name = 'embedded';
  readonly #options: EmbeddedTaggerOptions;
  readonly #keywords: KeywordExtractor;

  constructor(options: EmbeddedTaggerOptions = {}) {
    this.#options = options;
    this.#keywords = options.keywords ?? new KeywordExtractor();
  }

  async tag(input: TaggerInput): Promise<TagResult> {
    const notes: string[] = [];
    const content: ContentText = {
      ...(input.caption !== undefined && { caption: input.caption }),
      ...(input.coverText !== undefined && { coverText: input.coverText }),
      ...(input.hashtags !== undefined && { hashtags: input.hashtags }),
    };
    const topics = (this.#options.topicCleaner ?? cleanTopics)(input.hashtags ?? []);
    // Words, emotions and language come from the cleaned topics: "感谢快手我要上热门" says nothing about the video.
    const text = joinedText({ ...content, hashtags: topics });
    const frameCount = input.frames?.length ?? 0;
    if (input.mediaPath !== undefined) {
      const read = await extractFrames(input.mediaPath, this.#options.frames);
      if (read.skipped !== undefined) notes.push(read.skipped);
      else
        notes.push(
          `${read.frames.length + frameCount} frames read; no on-screen text or image model is bundled, frames unused`,
        );
    } else if (frameCount > 0) {
      notes.push(`${frameCount} frames given; no on-screen text or image model is bundled, frames unused`);
    }
    const limit = this.#options.maxTags ?? 5;
    const words = segment(text);
    const rank = new Map(this.#keywords.extract(words, words.length).map((k, i) => [k.keyword, i]));
    const pick = (pattern: RegExp, skip: (word: string) => boolean): string[] => {
      const found = new Set<string>();
      for (const { word, tag } of tagWords(text)) {
        if (pattern.test(tag) && !isStopWord(word) && !skip(word) && [...word].length > 1) found.add(word);
      }
      return [...found].sort((a, b) => (rank.get(a) ?? 1e9) - (rank.get(b) ?? 1e9)).slice(0, limit);
    };
    const emotion = readEmotion(text);
    const classifier = this.#options.classifier;
    if (classifier === undefined) notes.push('no category model loaded: categories empty');
    const aiGenerated = declaredAiGenerated(text);
    return {
      categories: classifier === undefined || text === '' ? [] : classifier.predict(content).path,
      tags: {
        elements: pick(ELEMENT_TAGS, () => false),
        actions: pick(ACTION_TAGS, (word) => VAGUE_VERBS.has(word)),
        emotions: emotion.emotions,
      },
      language: detectLanguage(text),
      topics,
      ...(aiGenerated !== undefined && { aiGenerated }),
      vector: classifier === undefined ? hashedTextVector(content) : classifier.embed([content])[0]!,
      keywords: this.#keywords.extract(words, limit).map((k) => k.keyword),
      sentiment: emotion.sentiment,
      notes,
    };
  }
}
