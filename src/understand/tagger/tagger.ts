import type { Language } from '../text/index.js';

/** What a tagger reads about one video. Every field is optional; text fields are what the uploader wrote. */
export interface TaggerInput {
  caption?: string;
  /** Text burnt into the cover image, when known. */
  coverText?: string;
  hashtags?: readonly string[];
  /** A local video or image file; frames are read from it with ffmpeg when that is installed. */
  mediaPath?: string;
  /** Frames already extracted, as JPEG or PNG bytes. */
  frames?: readonly Uint8Array[];
}

export interface ContentTags {
  /** Things and people shown or named (nouns). */
  elements: string[];
  /** What happens (verbs). */
  actions: string[];
  /** Emotions conveyed (joy, love, sadness, anger, fear, surprise for the embedded provider). */
  emotions: string[];
}

/** A tagger's reading of one video. */
export interface TagResult {
  /** Category path, coarse to fine (up to three names); empty when no classifier is loaded. */
  categories: string[];
  tags: ContentTags;
  language: Language;
  /** The uploader's hashtags, cleaned (normalised, deduplicated, traffic-begging tags dropped). */
  topics: string[];
  /** Whether the video is AI-generated, when the provider can tell; absent when unknown. */
  aiGenerated?: boolean;
  /** Content vector for semantic IDs and cold start, L2-normalised (see docs/understand.md for its size). */
  vector: Float32Array;
  /** Top TF-IDF keywords of the text. */
  keywords: string[];
  /** Sentiment in [-1, 1]. */
  sentiment: number;
  /** What the provider could not do (e.g. "ffmpeg not found: frames skipped"). */
  notes: string[];
}

/**
 * Tags a video. Implementations: the embedded provider (text models shipped in
 * the package, no download) and the OpenAI-compatible vision-language provider.
 */
export interface Tagger {
  readonly name: string;
  tag(input: TaggerInput): Promise<TagResult>;
}
