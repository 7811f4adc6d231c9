// Text understanding: segmentation, stop words, language, keywords, emotion, classifier features.
export { type Emotion, type EmotionReading, readEmotion } from './emotion.js';
export { type ContentText, type FeatureOptions, hashFeature, joinedText, textFeatures } from './features.js';
export { type Keyword, KeywordExtractor } from './keywords.js';
export { detectLanguage, type Language } from './language.js';
export { normalizeText, segment, type TaggedToken, tagWords } from './segmenter.js';
export { isStopWord } from './stop-words.js';
