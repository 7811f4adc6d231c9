import { Random } from '../core/index.js';

export interface TasteModel {
  dimensions: number;
  /** [users, dimensions] */
  userFactors: Float32Array;
  /** [items, dimensions] */
  itemFactors: Float32Array;
  itemBias: Float32Array;
  globalBias: number;
}

export interface FactorizeOptions {
  dimensions?: number;
  epochs?: number;
  learningRate?: number;
  regularization?: number;
  seed?: number;
}

/**
 * Logistic matrix factorisation of observed binary labels:
 * P(y_ui = 1) = sigma(g + b_i + p_u . q_i), fitted by SGD on the log loss with
 * L2 penalty. KuaiRec's small matrix is nearly fully observed, so its 0 labels
 * are real negatives and no negative sampling is needed.
 * Defaults: 16 dimensions, 20 epochs, learning rate 0.05, L2 0.02.
 */
export function factorize(
  users: Int32Array,
  items: Int32Array,
  labels: Float32Array,
  shape: { numUsers: number; numItems: number },
  options: FactorizeOptions = {},
): TasteModel {
  const dimensions = options.dimensions ?? 16;
  const epochs = options.epochs ?? 20;
  const rate = options.learningRate ?? 0.05;
  const penalty = options.regularization ?? 0.02;
  const random = new Random(options.seed ?? 11);
  const init = () => 0.1 * random.normal();
  const userFactors = Float32Array.from({ length: shape.numUsers * dimensions }, init);
  const itemFactors = Float32Array.from({ length: shape.numItems * dimensions }, init);
  const itemBias = new Float32Array(shape.numItems);
  let positives = 0;
  for (const label of labels) positives += label;
  const mean = Math.min(Math.max(positives / labels.length, 1e-4), 1 - 1e-4);
  let globalBias = Math.log(mean / (1 - mean));
  const order = Int32Array.from({ length: labels.length }, (_, k) => k);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let k = order.length - 1; k > 0; k--) {
      const j = random.int(k + 1);
      const tmp = order[k]!;
      order[k] = order[j]!;
      order[j] = tmp;
    }
    for (const row of order) {
      const user = users[row]! * dimensions;
      const item = items[row]!;
      const offset = item * dimensions;
      let logit = globalBias + itemBias[item]!;
      for (let d = 0; d < dimensions; d++) logit += userFactors[user + d]! * itemFactors[offset + d]!;
      const error = labels[row]! - 1 / (1 + Math.exp(-logit));
      globalBias += rate * 0.1 * error;
      itemBias[item]! += rate * (error - penalty * itemBias[item]!);
      for (let d = 0; d < dimensions; d++) {
        const p = userFactors[user + d]!;
        const q = itemFactors[offset + d]!;
        userFactors[user + d] = p + rate * (error * q - penalty * p);
        itemFactors[offset + d] = q + rate * (error * p - penalty * q);
      }
    }
  }
  return { dimensions, userFactors, itemFactors, itemBias, globalBias };
}

/** Plain k-means (Lloyd, k-means++ start) on rows of `vectors` [n, dimensions]; returns each row's cluster. */
export function kmeans(
  vectors: Float32Array,
  dimensions: number,
  k: number,
  seed = 5,
  iterations = 15,
): Int32Array {
  const n = vectors.length / dimensions;
  const random = new Random(seed);
  const centres = new Float64Array(k * dimensions);
  const distance = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const squared = (row: number, centre: number) => {
    let sum = 0;
    for (let d = 0; d < dimensions; d++) {
      const diff = vectors[row * dimensions + d]! - centres[centre * dimensions + d]!;
      sum += diff * diff;
    }
    return sum;
  };
  let chosen = random.int(n);
  for (let c = 0; c < k; c++) {
    for (let d = 0; d < dimensions; d++) centres[c * dimensions + d] = vectors[chosen * dimensions + d]!;
    let total = 0;
    for (let row = 0; row < n; row++) {
      distance[row] = Math.min(distance[row]!, squared(row, c));
      total += distance[row]!;
    }
    let u = random.next() * total;
    for (chosen = 0; chosen < n - 1; chosen++) {
      u -= distance[chosen]!;
      if (u <= 0) break;
    }
  }
  const assignment = new Int32Array(n);
  for (let iteration = 0; iteration < iterations; iteration++) {
    for (let row = 0; row < n; row++) {
      let best = 0;
      let bestDistance = Number.POSITIVE_INFINITY;
      for (let c = 0; c < k; c++) {
        const value = squared(row, c);
        if (value < bestDistance) {
          bestDistance = value;
          best = c;
        }
      }
      assignment[row] = best;
    }
    const counts = new Float64Array(k);
    centres.fill(0);
    for (let row = 0; row < n; row++) {
      const c = assignment[row]!;
      counts[c]!++;
      for (let d = 0; d < dimensions; d++) centres[c * dimensions + d]! += vectors[row * dimensions + d]!;
    }
    for (let c = 0; c < k; c++) {
      for (let d = 0; d < dimensions; d++) centres[c * dimensions + d]! /= Math.max(counts[c]!, 1);
    }
  }
  return assignment;
}
