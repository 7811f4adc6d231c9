import { InvalidInputError, type Logger, Random, silentLogger } from '../../core/index.js';
import { loadCheckpoint, loadParameters, noGrad, saveCheckpoint, tidy } from '../../tensor/index.js';
import { type ContentText, type FeatureOptions, textFeatures } from '../text/index.js';
import { EmbeddingBagModel } from './bag-models.js';
import { ABSENT, LabelSpace } from './label-space.js';
import { meanRow, type SparseRow, sparseBatch } from './sparse-rows.js';
import { bagLogProbabilities, NO_TARGET, trainBag } from './train-bag.js';

/** A training example: a video's text and its category path, coarse to fine (1 to 3 names). */
export interface CategoryExample {
  content: ContentText;
  path: readonly string[];
}

export interface CategoryClassifierOptions {
  /** Embedding (content vector) size; default 128. */
  dim?: number;
  /** Default 9 (the benchmark's choice on KuaiRec). */
  epochs?: number;
  /** Stop after this many epochs, keeping the schedule of `epochs` (see `BagTrainOptions`). */
  stopAfterEpoch?: number;
  /** Default 0.01. */
  lr?: number;
  /** Default 64. */
  batchSize?: number;
  /** Default 0. */
  weightDecay?: number;
  /** Default 0.2. */
  featureDropout?: number;
  /** Features seen fewer times in training are dropped; default 2. */
  minCount?: number;
  /** Logit adjustment strength tau (0 = plain cross-entropy); default 1. */
  logitAdjustment?: number;
  features?: FeatureOptions;
  seed?: number;
  logger?: Logger;
  /** Called after every epoch with the classifier as it stands (for validation curves). */
  onEpoch?: (epoch: number, classifier: CategoryClassifier) => void;
}

/** Hyperparameters that shape the saved model. */
interface StoredConfig {
  kind: 'genfeed.category-classifier';
  dim: number;
  features: FeatureOptions;
  labels: string[][];
  paths: number[][];
  vocabulary: string[];
}

/** A category prediction: the best known path and each level's probability of its label. */
export interface CategoryPrediction {
  path: string[];
  probabilities: number[];
}

/**
 * genfeed's category classifier: a fastText-style embedding bag over words,
 * word bigrams, Han character n-grams and hashtags, with one softmax head per
 * category level, trained jointly with the logit-adjusted loss. Decoding picks
 * the known (training) path with the highest summed log-probability, so the
 * three levels always agree.
 */
export class CategoryClassifier {
  readonly labels: LabelSpace;
  readonly dim: number;
  readonly #model: EmbeddingBagModel;
  readonly #vocabulary: Map<string, number>;
  readonly #features: FeatureOptions;

  private constructor(
    labels: LabelSpace,
    vocabulary: string[],
    dim: number,
    features: FeatureOptions,
    seed: number,
  ) {
    this.labels = labels;
    this.dim = dim;
    this.#vocabulary = new Map(vocabulary.map((feature, i) => [feature, i]));
    this.#features = features;
    const classes = labels.labels.map((names) => names.length);
    this.#model = new EmbeddingBagModel(Math.max(vocabulary.length, 1), dim, classes, new Random(seed));
  }

  static fit(
    examples: readonly CategoryExample[],
    options: CategoryClassifierOptions = {},
  ): CategoryClassifier {
    const usable = examples.filter((example) => example.path.length > 0);
    if (usable.length === 0) throw new RangeError('CategoryClassifier.fit: no example has a category path');
    const features = options.features ?? {};
    const featureLists = usable.map((example) => textFeatures(example.content, features));
    const counts = new Map<string, number>();
    for (const list of featureLists)
      for (const feature of list) counts.set(feature, (counts.get(feature) ?? 0) + 1);
    const minCount = options.minCount ?? 2;
    const vocabulary = [...counts].filter(([, count]) => count >= minCount).map(([feature]) => feature);
    const paths = usable.map((example) => example.path);
    const labels = LabelSpace.fromPaths(paths);
    const classifier = new CategoryClassifier(
      labels,
      vocabulary,
      options.dim ?? 128,
      features,
      options.seed ?? 42,
    );
    const rows = featureLists.map((list) => meanRow(list, classifier.#vocabulary));
    const targets = labels.labels.map((_, level) =>
      Int32Array.from(paths, (path) => {
        const index = labels.indicesOf(path)[level]!;
        return index < 0 ? NO_TARGET : index;
      }),
    );
    const tau = options.logitAdjustment ?? 1;
    const priors = labels.priors(paths);
    (options.logger ?? silentLogger).debug(
      `category classifier: ${usable.length} examples, ${vocabulary.length} features, classes ${labels.labels.map((l) => l.length).join('/')}`,
    );
    trainBag(classifier.#model, rows, targets, {
      epochs: options.epochs ?? 9,
      lr: options.lr ?? 0.01,
      batchSize: options.batchSize ?? 64,
      weightDecay: options.weightDecay ?? 0,
      featureDropout: options.featureDropout ?? 0.2,
      seed: options.seed ?? 42,
      ...(options.stopAfterEpoch !== undefined && { stopAfterEpoch: options.stopAfterEpoch }),
      ...(tau > 0 && {
        logitAdjustment: priors.map((prior) => Float32Array.from(prior, (p) => tau * Math.log(p))),
      }),
      ...(options.onEpoch && { onEpoch: (epoch: number) => options.onEpoch!(epoch, classifier) }),
    });
    return classifier;
  }

  #rows(contents: readonly ContentText[]): SparseRow[] {
    return contents.map((content) => meanRow(textFeatures(content, this.#features), this.#vocabulary));
  }

  /** Per level, log-probabilities of every label for every text, [N * C_level] row-major (labels as in `labels`). */
  logProbabilities(contents: readonly ContentText[]): Float32Array[] {
    return bagLogProbabilities(this.#model, this.#rows(contents));
  }

  /**
   * Per example, the predicted label at each level: the level's label on the
   * best-scoring known path that reaches that level (so every level gets a
   * label, for evaluating each level on the examples that have one).
   */
  predictLevels(contents: readonly ContentText[]): string[][] {
    return this.decodeLevels(bagLogProbabilities(this.#model, this.#rows(contents)), contents.length);
  }

  /** `predictLevels` from given per-level log-probabilities (e.g. averaged over an ensemble), [count * C_level] each. */
  decodeLevels(logProbabilities: readonly Float32Array[], count: number): string[][] {
    return Array.from({ length: count }, (_, example) => {
      const best = this.#bestPaths(logProbabilities, example);
      return best.map((path, level) => this.labels.labels[level]![path![level]!]!);
    });
  }

  /** The best known path for one video, with each level's probability. */
  predict(content: ContentText): CategoryPrediction {
    const logProbabilities = bagLogProbabilities(this.#model, this.#rows([content]));
    const best = this.#bestPaths(logProbabilities, 0);
    const path = best[0]!;
    const names: string[] = [];
    const probabilities: number[] = [];
    path.forEach((index, level) => {
      const name = this.labels.labels[level]![index]!;
      if (name === ABSENT) return;
      names.push(name);
      probabilities.push(Math.exp(logProbabilities[level]![index]!)); // one example: row 0
    });
    return { path: names, probabilities };
  }

  /** For each level k, the best-scoring known path whose level k is present (level 0: the best path overall). */
  #bestPaths(logProbabilities: readonly Float32Array[], example: number): Int32Array[] {
    const best: (Int32Array | undefined)[] = [];
    const bestScore: number[] = [];
    for (const path of this.labels.paths) {
      let score = 0;
      path.forEach((index, level) => {
        const classes = this.labels.labels[level]!.length;
        score += logProbabilities[level]![example * classes + index]!;
      });
      for (let level = 0; level < path.length; level++) {
        if (level > 0 && path[level] === 0) break;
        if (best[level] === undefined || score > bestScore[level]!) {
          best[level] = path;
          bestScore[level] = score;
        }
      }
    }
    return this.labels.labels.map((_, level) => best[level] ?? best[0]!);
  }

  /** Content vectors: the mean feature embedding of each text, L2-normalised, [dim] each. */
  embed(contents: readonly ContentText[]): Float32Array[] {
    const rows = this.#rows(contents);
    const out: Float32Array[] = [];
    for (let start = 0; start < rows.length; start += 256) {
      const batch = sparseBatch(rows.slice(start, start + 256));
      const vectors = noGrad(() => tidy(() => this.#model.vector(batch.ids, batch.weights)));
      for (let b = 0; b < batch.ids.shape[0]!; b++) {
        const vector = vectors.data.slice(b * this.dim, (b + 1) * this.dim);
        const norm = Math.hypot(...vector);
        if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
        out.push(vector);
      }
    }
    return out;
  }

  async save(path: string): Promise<void> {
    const config: StoredConfig = {
      kind: 'genfeed.category-classifier',
      dim: this.dim,
      features: this.#features,
      labels: this.labels.labels,
      paths: this.labels.paths.map((p) => [...p]),
      vocabulary: [...this.#vocabulary.keys()],
    };
    await saveCheckpoint(path, this.#model.namedParameters(), { config });
  }

  static async load(path: string): Promise<CategoryClassifier> {
    const checkpoint = await loadCheckpoint(path);
    const config = checkpoint.config as Partial<StoredConfig> | null;
    if (config?.kind !== 'genfeed.category-classifier' || !Array.isArray(config.vocabulary)) {
      throw new InvalidInputError(
        `Cannot load ${path}: not a genfeed category classifier (config.kind is ${String(config?.kind)})`,
      );
    }
    const labels = new LabelSpace(
      config.labels!,
      config.paths!.map((p) => Int32Array.from(p)),
    );
    const classifier = new CategoryClassifier(
      labels,
      config.vocabulary,
      config.dim!,
      config.features ?? {},
      0,
    );
    loadParameters(classifier.#model, checkpoint, { source: path });
    return classifier;
  }
}
