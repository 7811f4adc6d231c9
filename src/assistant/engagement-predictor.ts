import { Random } from '../core/index.js';
import { auc } from '../reward/index.js';
import {
  AdamW,
  backward,
  binaryCrossEntropyWithLogits,
  embedding,
  IntTensor,
  mul,
  parameter,
  reshape,
  sum,
  tensor,
  zeros,
} from '../tensor/index.js';
import { type FeatureSet, type HashedFeatures, hashFeatures, type TitleDraft } from './title-features.js';

export interface LabelledDraft {
  draft: TitleDraft;
  /** 1 = high engagement. */
  label: 0 | 1;
}

export interface PredictorOptions {
  /** Hash buckets (default 2^18). */
  buckets?: number;
  featureSet?: FeatureSet;
  /** Passes over the training drafts (default 8). */
  epochs?: number;
  batchSize?: number;
  /** AdamW learning rate (default 0.02) and decoupled weight decay (default 1e-4). */
  learningRate?: number;
  weightDecay?: number;
  seed?: number;
  /** When given, the weights of the epoch with the best AUC on it are kept. */
  validation?: readonly LabelledDraft[];
}

export const predictorDefaults = {
  buckets: 1 << 18,
  featureSet: 'full',
  epochs: 8,
  batchSize: 128,
  learningRate: 0.02,
  weightDecay: 1e-4,
  seed: 42,
} as const;

/**
 * P(high engagement | title): logistic regression on hashed features, trained
 * on the tensor engine. A bag of hashed ids is one embedding lookup into a
 * [buckets, 1] weight table, scaled by the feature values and summed:
 *
 *   logit_b = sum_j w[id_bj] * v_bj
 *
 * Padding slots have value 0, so they add nothing and receive no gradient.
 */
export class EngagementPredictor {
  readonly buckets: number;
  readonly featureSet: FeatureSet;
  /** [buckets] learned weights. */
  readonly weights: Float32Array;
  /** Epoch whose weights were kept (1-based), and its validation AUC when a validation set was given. */
  readonly bestEpoch: number;
  readonly validationAuc: number;

  private constructor(
    buckets: number,
    featureSet: FeatureSet,
    weights: Float32Array,
    bestEpoch: number,
    validationAuc: number,
  ) {
    this.buckets = buckets;
    this.featureSet = featureSet;
    this.weights = weights;
    this.bestEpoch = bestEpoch;
    this.validationAuc = validationAuc;
  }

  static train(examples: readonly LabelledDraft[], options: PredictorOptions = {}): EngagementPredictor {
    const settings = { ...predictorDefaults, ...options };
    const { buckets, featureSet, epochs, batchSize } = settings;
    if (examples.length === 0) throw new RangeError('EngagementPredictor.train: no training examples');
    if (!(Number.isInteger(buckets) && buckets >= 2))
      throw new RangeError(`EngagementPredictor.train: buckets ${buckets} must be an integer >= 2`);
    const features = examples.map((example) => hashFeatures(example.draft, buckets, featureSet));
    const labels = examples.map((example) => example.label);
    const weight = parameter(zeros([buckets, 1]), 'weight'); // [V, 1]
    const optimizer = new AdamW([weight], { lr: settings.learningRate, weightDecay: settings.weightDecay });
    const random = new Random(settings.seed);
    const order = Array.from({ length: examples.length }, (_, i) => i);
    const validation = options.validation?.map((example) => ({
      features: hashFeatures(example.draft, buckets, featureSet),
      label: example.label,
    }));
    let best = { epoch: epochs, auc: Number.NaN, weights: weight.data };
    for (let epoch = 1; epoch <= epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = random.int(i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (let from = 0; from < order.length; from += batchSize) {
        const rows = order.slice(from, from + batchSize);
        const { ids, values } = padBatch(rows.map((row) => features[row]!));
        optimizer.zeroGrad();
        const picked = reshape(embedding(weight, ids), values.shape); // [B, L]
        const logits = sum(mul(picked, values), 1); // [B]
        const loss = binaryCrossEntropyWithLogits(logits, tensor(rows.map((row) => labels[row]!)));
        backward(loss);
        optimizer.step();
      }
      if (validation) {
        const scores = validation.map((example) => logitOf(weight.data, example.features));
        const value = auc(
          scores,
          validation.map((example) => example.label),
        );
        if (!(value <= best.auc)) best = { epoch, auc: value, weights: weight.data.slice() };
      }
    }
    const weights = validation ? best.weights : weight.data.slice();
    return new EngagementPredictor(buckets, featureSet, weights, best.epoch, best.auc);
  }

  /** P(high engagement) of a draft. */
  predict(draft: TitleDraft): number {
    return 1 / (1 + Math.exp(-logitOf(this.weights, hashFeatures(draft, this.buckets, this.featureSet))));
  }
}

function logitOf(weights: Float32Array, features: HashedFeatures): number {
  let logit = 0;
  for (let j = 0; j < features.ids.length; j++) logit += weights[features.ids[j]!]! * features.values[j]!;
  return logit;
}

/** Bags of different lengths as [B, L] ids and values, padded with id 0 and value 0. */
function padBatch(bags: readonly HashedFeatures[]): { ids: IntTensor; values: ReturnType<typeof tensor> } {
  const length = Math.max(1, ...bags.map((bag) => bag.ids.length));
  const ids = new Int32Array(bags.length * length);
  const values = new Float32Array(bags.length * length);
  bags.forEach((bag, row) => {
    ids.set(bag.ids, row * length);
    values.set(bag.values, row * length);
  });
  return { ids: new IntTensor(ids, [bags.length, length]), values: tensor(values, [bags.length, length]) };
}
