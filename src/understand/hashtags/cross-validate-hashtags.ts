import { Random } from '../../core/index.js';
import { type ClassificationFigures, classificationFigures } from './classification-metrics.js';
import { HashtagClassifier, labelledRows } from './hashtag-classifier.js';
import type { HashtagCorpus } from './hashtag-corpus.js';
import { hashtagLabels, type LabelledHashtag } from './hashtag-label.js';
import { normalizeHashtag } from './normalize-hashtag.js';
import { promoKeywordRule } from './promo-cues.js';
import type { SoftmaxRegressionOptions } from './softmax-regression.js';

export interface CrossValidationOptions extends SoftmaxRegressionOptions {
  /** Default 5. */
  folds?: number;
  /** Fold assignment seed; default 7. */
  seed?: number;
}

export interface HashtagCrossValidation {
  /** The learned classifier, out-of-fold predictions. */
  genfeed: ClassificationFigures;
  promoKeywordRule: ClassificationFigures;
  majority: ClassificationFigures;
  folds: number;
  examples: number;
}

/**
 * K-fold cross-validation of the hashtag classifier on labelled examples, grouped
 * by normalised tag (both videos of a frequent tag fall in one fold, so the model
 * never sees the test tag's label), with the two baselines scored on the same
 * examples: the keyword rule and the majority class of each training fold.
 */
export function crossValidateHashtags(
  corpus: HashtagCorpus,
  examples: readonly LabelledHashtag[],
  options: CrossValidationOptions = {},
): HashtagCrossValidation {
  const folds = options.folds ?? 5;
  if (!(folds >= 2 && folds <= examples.length)) {
    throw new RangeError(`cross-validation needs 2..${examples.length} folds, got ${folds}`);
  }
  const groups = [...new Set(examples.map((example) => normalizeHashtag(example.hashtag)))];
  new Random(options.seed ?? 7).shuffle(groups);
  const foldOfGroup = new Map(groups.map((group, k) => [group, k % folds]));
  const fold = examples.map((example) => foldOfGroup.get(normalizeHashtag(example.hashtag))!);

  const rows = labelledRows(corpus, examples);
  const truth = examples.map((example) => example.label);
  const learned = new Array<string>(examples.length);
  const majority = new Array<string>(examples.length);
  for (let f = 0; f < folds; f++) {
    const training = examples.filter((_, k) => fold[k] !== f);
    const classifier = HashtagClassifier.fromRows(
      rows.filter((_, k) => fold[k] !== f),
      training,
      options,
    );
    const counts = hashtagLabels.map((label) => training.filter((example) => example.label === label).length);
    const mostCommon = hashtagLabels[counts.indexOf(Math.max(...counts))]!;
    examples.forEach((_, k) => {
      if (fold[k] !== f) return;
      learned[k] = classifier.classifyRow(rows[k]!).label;
      majority[k] = mostCommon;
    });
  }
  const rule = examples.map((example) => promoKeywordRule(normalizeHashtag(example.hashtag)));
  return {
    genfeed: classificationFigures(truth, learned, hashtagLabels),
    promoKeywordRule: classificationFigures(truth, rule, hashtagLabels),
    majority: classificationFigures(truth, majority, hashtagLabels),
    folds,
    examples: examples.length,
  };
}
