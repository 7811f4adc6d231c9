import { Random } from '../core/index.js';

/**
 * The pre-rank model: a linear layer over cheap per-candidate features, the
 * first of which pairs the user tower (recency-weighted mean of history item
 * vectors) with the item tower (the item's vector) by a dot product:
 *
 *   s(u, i) = w . x(u, i),  x = [knn / max knn, ln(1 + knn), u . v_i, pop_i, fresh_i]
 *
 * knn = the decayed item-kNN score of i for the user's history (0 when no
 * history item has i as a neighbour), pop_i = ln(1 + count_i) / ln(1 + max
 * count), fresh_i = 2^(-age / half-life). The five weights are learned by a
 * softmax over each request's candidates with the user's held-out next item as
 * the label (see `fitPrerankWeights`); the recall sources' scores are on
 * different scales, and a learned combination ranks them where fixed weights
 * cannot (docs/cascade.md).
 */
export const PRERANK_FEATURES = ['knnShare', 'knnLog', 'affinity', 'popularity', 'freshness'] as const;
export const numPrerankFeatures = PRERANK_FEATURES.length;

/** Weights before any fit: item-kNN share plus embedding affinity. */
export const defaultPrerankWeights = (): Float32Array => Float32Array.of(1, 0, 1, 0, 0);

/** One request's candidates as a training example: features [C, F] and the label's row. */
export interface PrerankExample {
  features: Float32Array;
  target: number;
}

export interface FitPrerankOptions {
  epochs?: number;
  learningRate?: number;
  /** L2 penalty on the weights. */
  regularization?: number;
  seed?: number;
}

/**
 * Softmax regression over each example's candidates (a listwise loss:
 * -log softmax(X w)[target]), fitted by SGD from `initial`. Defaults: 10
 * epochs, learning rate 0.05, L2 1e-4.
 */
export function fitPrerankWeights(
  examples: readonly PrerankExample[],
  initial: Float32Array,
  options: FitPrerankOptions = {},
): Float32Array {
  const F = numPrerankFeatures;
  const weights = Float64Array.from(initial);
  const epochs = options.epochs ?? 10;
  const rate = options.learningRate ?? 0.05;
  const penalty = options.regularization ?? 1e-4;
  const random = new Random(options.seed ?? 3);
  const order = Array.from(examples.keys());
  const gradient = new Float64Array(F);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let k = order.length - 1; k > 0; k--) {
      const j = random.int(k + 1);
      [order[k], order[j]] = [order[j]!, order[k]!];
    }
    for (const index of order) {
      const { features, target } = examples[index]!;
      const C = features.length / F;
      const logits = new Float64Array(C); // [C]
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < C; c++) {
        let sum = 0;
        for (let f = 0; f < F; f++) sum += weights[f]! * features[c * F + f]!;
        logits[c] = sum;
        if (sum > max) max = sum;
      }
      let total = 0;
      for (let c = 0; c < C; c++) {
        logits[c] = Math.exp(logits[c]! - max);
        total += logits[c]!;
      }
      // d loss / d w = sum_c (p_c - [c = target]) x_c
      gradient.fill(0);
      for (let c = 0; c < C; c++) {
        const coefficient = logits[c]! / total - (c === target ? 1 : 0);
        for (let f = 0; f < F; f++) gradient[f]! += coefficient * features[c * F + f]!;
      }
      for (let f = 0; f < F; f++) weights[f]! -= rate * (gradient[f]! + penalty * weights[f]!);
    }
  }
  return Float32Array.from(weights);
}
