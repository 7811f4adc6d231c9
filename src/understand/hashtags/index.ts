// Hashtag cleaning: normalisation, content / promotional / unrelated classification, synonym merge.

export {
  type ClassFigures,
  type ClassificationFigures,
  classificationFigures,
} from './classification-metrics.js';
export {
  type CleanedHashtag,
  type CleanedHashtags,
  cleanHashtags,
  hashtagTopicCleaner,
} from './clean-hashtags.js';
export {
  type CrossValidationOptions,
  crossValidateHashtags,
  type HashtagCrossValidation,
} from './cross-validate-hashtags.js';
export {
  HashtagClassifier,
  type HashtagClassifierState,
  type HashtagPrediction,
} from './hashtag-classifier.js';
export { HashtagCorpus, type HashtagDocument, type TagStatistics } from './hashtag-corpus.js';
export { hashtagFeatureNames, hashtagFeatures } from './hashtag-features.js';
export { type HashtagLabel, hashtagLabels, type LabelledHashtag } from './hashtag-label.js';
export { loadHashtagCorpus } from './load-hashtag-corpus.js';
export { normalizeHashtag } from './normalize-hashtag.js';
export { promoKeywordRule } from './promo-cues.js';
export { readHashtagLabels } from './read-hashtag-labels.js';
export { mergeSynonyms, type SynonymGroups, type SynonymOptions } from './synonym-merge.js';
