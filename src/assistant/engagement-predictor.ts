import { auc } from '../reward/index.js';
import {
  binaryCrossEntropyWithLogits,
  embedding,
  IntTensor,
  Module,
  mul,
  reshape,
  sum,
  type Tensor,
  tensor,
  zeros,
} from '../tensor/index.js';
import { trainSync } from '../training/index.js';
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
    const model = new HashedLogistic(buckets);
    const validation = options.validation?.map((example) => ({
      features: hashFeatures(example.draft, buckets, featureSet),
      label: example.label,
    }));
    const result = trainSync(
      {
        module: model,
        examples: examples.length,
        loss: (rows) => {
          const { ids, values } = padBatch(Array.from(rows, (row) => features[row]!));
          const logits = model.forward(ids, values); // [B]
          return binaryCrossEntropyWithLogits(logits, tensor(Array.from(rows, (row) => labels[row]!)));
        },
      },
      {
        epochs,
        batchSize,
        lr: settings.learningRate,
        schedule: () => 1,
        weightDecay: settings.weightDecay,
        clipNorm: 0,
        seed: settings.seed,
        ...(validation && {
          // Every epoch runs; the trainer keeps the weights of the best one.
          validation: {
            metric: 'auc',
            patience: Number.POSITIVE_INFINITY,
            evaluate: () =>
              auc(
                validation.map((example) => logitOf(model.weight.data, example.features)),
                validation.map((example) => example.label),
              ),
          },
        }),
      },
    );
    return new EngagementPredictor(
      buckets,
      featureSet,
      model.weight.data.slice(),
      result.bestEpoch,
      result.bestMetric ?? Number.NaN,
    );
  }

  /** P(high engagement) of a draft. */
  predict(draft: TitleDraft): number {
    return 1 / (1 + Math.exp(-logitOf(this.weights, hashFeatures(draft, this.buckets, this.featureSet))));
  }
}

/** The predictor's logistic regression as a module, so the shared trainer can fit it. */
class HashedLogistic extends Module {
  readonly weight: Tensor; // [V, 1]

  constructor(buckets: number) {
    super();
    this.weight = this.addParameter('weight', zeros([buckets, 1]));
  }

  /** ids and values [B, L] -> logits [B]. */
  forward(ids: IntTensor, values: Tensor): Tensor {
    const picked = reshape(embedding(this.weight, ids), values.shape); // [B, L]
    return sum(mul(picked, values), 1); // [B]
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
