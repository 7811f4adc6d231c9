import { InvalidInputError } from '../../core/index.js';
import type { HashtagCorpus, HashtagDocument } from './hashtag-corpus.js';
import { hashtagFeatureNames, hashtagFeatures } from './hashtag-features.js';
import { type HashtagLabel, hashtagLabels, type LabelledHashtag } from './hashtag-label.js';
import {
  SoftmaxRegression,
  type SoftmaxRegressionOptions,
  type SoftmaxRegressionState,
} from './softmax-regression.js';

/** A hashtag's class with the model's probability for each label. */
export interface HashtagPrediction {
  label: HashtagLabel;
  probabilities: Record<HashtagLabel, number>;
}

/** The saved form of a trained classifier. */
export interface HashtagClassifierState {
  featureNames: readonly string[];
  model: SoftmaxRegressionState;
}

/**
 * Learned hashtag classifier: multinomial logistic regression over
 * `hashtagFeatures` (corpus statistics, fit with the caption and category,
 * lexical promotional cues). Labels come from fixtures/hashtags/labels.csv.
 */
export class HashtagClassifier {
  readonly #model: SoftmaxRegression;

  constructor(state: HashtagClassifierState) {
    if (state.featureNames.join() !== hashtagFeatureNames.join()) {
      throw new InvalidInputError(
        `hashtag classifier was trained on features [${state.featureNames.join(', ')}], this build computes [${hashtagFeatureNames.join(', ')}]`,
      );
    }
    this.#model = new SoftmaxRegression(state.model);
  }

  static train(
    corpus: HashtagCorpus,
    examples: readonly LabelledHashtag[],
    options: SoftmaxRegressionOptions = {},
  ): HashtagClassifier {
    return HashtagClassifier.fromRows(labelledRows(corpus, examples), examples, options);
  }

  /** Trains on precomputed feature rows (`labelledRows`), row k belonging to `examples[k]`. */
  static fromRows(
    rows: readonly Float64Array[],
    examples: readonly LabelledHashtag[],
    options: SoftmaxRegressionOptions = {},
  ): HashtagClassifier {
    const labels = examples.map((example) => hashtagLabels.indexOf(example.label));
    const model = SoftmaxRegression.fit(rows, labels, hashtagLabels.length, options);
    return new HashtagClassifier({ featureNames: hashtagFeatureNames, model: model.state });
  }

  classify(corpus: HashtagCorpus, hashtag: string, document: HashtagDocument): HashtagPrediction {
    return this.classifyRow(hashtagFeatures(corpus, hashtag, document));
  }

  /** Classifies one precomputed feature row. */
  classifyRow(row: Float64Array): HashtagPrediction {
    const probabilities = this.#model.predict(row);
    let best = 0;
    for (let c = 1; c < probabilities.length; c++) if (probabilities[c]! > probabilities[best]!) best = c;
    return {
      label: hashtagLabels[best]!,
      probabilities: {
        content: probabilities[0]!,
        promotional: probabilities[1]!,
        unrelated: probabilities[2]!,
      },
    };
  }

  toJSON(): HashtagClassifierState {
    return { featureNames: hashtagFeatureNames, model: this.#model.state };
  }
}

/** Feature rows of labelled examples, in order. */
export function labelledRows(corpus: HashtagCorpus, examples: readonly LabelledHashtag[]): Float64Array[] {
  return examples.map((example) => hashtagFeatures(corpus, example.hashtag, documentOf(corpus, example)));
}

/** The corpus document of a labelled example; a clear error when the labels and the caption file disagree. */
export function documentOf(corpus: HashtagCorpus, example: LabelledHashtag): HashtagDocument {
  const document = corpus.document(example.videoId);
  if (document === undefined) {
    throw new InvalidInputError(
      `labelled hashtag "${example.hashtag}" names video ${example.videoId}, which the corpus lacks`,
    );
  }
  return document;
}
