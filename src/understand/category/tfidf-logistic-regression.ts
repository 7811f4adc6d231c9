import { LinearBagModel } from './bag-models.js';
import type { SparseRow } from './sparse-rows.js';
import { bagLogProbabilities, trainBag } from './train-bag.js';

export interface TfidfLogisticRegressionOptions {
  /** Words in fewer training documents are dropped; default 1. */
  minDocumentFrequency?: number;
  /** Default 20. */
  epochs?: number;
  /** Stop after this many epochs, keeping the schedule of `epochs` (see `BagTrainOptions`). */
  stopAfterEpoch?: number;
  /** Default 0.02. */
  lr?: number;
  /** Decoupled weight decay, the regulariser to tune; default 1e-4. */
  weightDecay?: number;
  /** Default 64. */
  batchSize?: number;
  seed?: number;
  onEpoch?: (epoch: number, model: TfidfLogisticRegression) => void;
}

/**
 * The baseline: TF-IDF of segmented words (raw counts times smoothed idf
 * ln((1 + N) / (1 + df)) + 1, L2-normalised, scikit-learn's TfidfVectorizer
 * defaults) into a multinomial logistic regression, one label per document.
 */
export class TfidfLogisticRegression {
  readonly labels: string[];
  readonly #vocabulary: Map<string, number>;
  readonly #idf: Float32Array;
  readonly #model: LinearBagModel;

  private constructor(labels: string[], vocabulary: Map<string, number>, idf: Float32Array) {
    this.labels = labels;
    this.#vocabulary = vocabulary;
    this.#idf = idf;
    this.#model = new LinearBagModel(Math.max(vocabulary.size, 1), labels.length);
  }

  static fit(
    documents: readonly (readonly string[])[],
    labels: readonly string[],
    options: TfidfLogisticRegressionOptions = {},
  ): TfidfLogisticRegression {
    if (documents.length !== labels.length)
      throw new RangeError(
        `TfidfLogisticRegression.fit: ${documents.length} documents, ${labels.length} labels`,
      );
    const frequency = new Map<string, number>();
    for (const words of documents)
      for (const word of new Set(words)) frequency.set(word, (frequency.get(word) ?? 0) + 1);
    const kept = [...frequency].filter(([, df]) => df >= (options.minDocumentFrequency ?? 1));
    const vocabulary = new Map(kept.map(([word], i) => [word, i]));
    const idf = Float32Array.from(kept, ([, df]) => Math.log((1 + documents.length) / (1 + df)) + 1);
    const names = [...new Set(labels)];
    const model = new TfidfLogisticRegression(names, vocabulary, idf);
    const index = new Map(names.map((name, i) => [name, i]));
    trainBag(
      model.#model,
      documents.map((words) => model.#row(words)),
      [Int32Array.from(labels, (label) => index.get(label)!)],
      {
        epochs: options.epochs ?? 20,
        lr: options.lr ?? 0.02,
        weightDecay: options.weightDecay ?? 1e-4,
        batchSize: options.batchSize ?? 64,
        seed: options.seed ?? 42,
        ...(options.stopAfterEpoch !== undefined && { stopAfterEpoch: options.stopAfterEpoch }),
        ...(options.onEpoch && { onEpoch: (epoch: number) => options.onEpoch!(epoch, model) }),
      },
    );
    return model;
  }

  #row(words: readonly string[]): SparseRow {
    const counts = new Map<number, number>();
    for (const word of words) {
      const id = this.#vocabulary.get(word);
      if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const ids = Int32Array.from(counts.keys());
    const weights = Float32Array.from(counts, ([id, count]) => count * this.#idf[id]!);
    const norm = Math.hypot(...weights);
    if (norm > 0) for (let i = 0; i < weights.length; i++) weights[i]! /= norm;
    return { ids, weights };
  }

  /** Log-probabilities of every label (in `labels` order) for every document, [N * C]. */
  logProbabilities(documents: readonly (readonly string[])[]): Float32Array {
    return bagLogProbabilities(
      this.#model,
      documents.map((words) => this.#row(words)),
    )[0]!;
  }

  predict(documents: readonly (readonly string[])[]): string[] {
    const logProbabilities = this.logProbabilities(documents);
    const classes = this.labels.length;
    return documents.map((_, row) => {
      let best = 0;
      for (let c = 1; c < classes; c++) {
        if (logProbabilities![row * classes + c]! > logProbabilities![row * classes + best]!) best = c;
      }
      return this.labels[best]!;
    });
  }
}
