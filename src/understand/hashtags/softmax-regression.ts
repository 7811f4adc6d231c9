export interface SoftmaxRegressionOptions {
  /** L2 penalty on the weights (not the biases); default 0.003. */
  l2?: number;
  /** Full-batch gradient steps; default 1,500. */
  iterations?: number;
  /** Step size; default 0.5 (inputs are standardised). */
  learningRate?: number;
  /**
   * Class weights (n / (classes * n_class)) ^ power: 0 weighs every example alike,
   * 1 makes each class count as much in total; default 0.75 (chosen by cross-validation on the labelled set, docs/understand.md).
   */
  classWeightPower?: number;
}

/** Weights of a fitted model, plain data so it can be saved as JSON. */
export interface SoftmaxRegressionState {
  classes: number;
  features: number;
  mean: number[];
  scale: number[];
  /** [classes, features] row-major. */
  weights: number[];
  biases: number[];
}

/**
 * Multinomial logistic regression on standardised inputs, fitted by full-batch
 * gradient descent on the (class-weighted) cross-entropy plus an L2 penalty.
 * Small and exact enough for a few thousand rows of a few dozen features.
 */
export class SoftmaxRegression {
  readonly state: SoftmaxRegressionState;

  constructor(state: SoftmaxRegressionState) {
    this.state = state;
  }

  static fit(
    rows: readonly Float64Array[],
    labels: readonly number[],
    classes: number,
    options: SoftmaxRegressionOptions = {},
  ): SoftmaxRegression {
    if (rows.length === 0) throw new RangeError('SoftmaxRegression.fit needs at least one row');
    if (rows.length !== labels.length) {
      throw new RangeError(`SoftmaxRegression.fit got ${rows.length} rows but ${labels.length} labels`);
    }
    const features = rows[0]!.length;
    const n = rows.length;
    const mean = new Array<number>(features).fill(0);
    const scale = new Array<number>(features).fill(0);
    for (const row of rows) for (let f = 0; f < features; f++) mean[f]! += row[f]! / n;
    for (const row of rows) for (let f = 0; f < features; f++) scale[f]! += (row[f]! - mean[f]!) ** 2 / n;
    for (let f = 0; f < features; f++) scale[f] = Math.sqrt(scale[f]!) || 1;
    const inputs = rows.map((row) => Float64Array.from(row, (value, f) => (value - mean[f]!) / scale[f]!));

    const counts = new Array<number>(classes).fill(0);
    for (const label of labels) {
      if (!(label >= 0 && label < classes))
        throw new RangeError(`label ${label} is outside 0..${classes - 1}`);
      counts[label]!++;
    }
    const power = options.classWeightPower ?? 0.75;
    const classWeight = counts.map((count) => (count > 0 ? (n / (classes * count)) ** power : 1));
    const l2 = options.l2 ?? 0.003;
    const rate = options.learningRate ?? 0.5;
    const weights = new Float64Array(classes * features); // [C, F]
    const biases = new Float64Array(classes);
    const gradient = new Float64Array(classes * features);
    const biasGradient = new Float64Array(classes);
    const probabilities = new Float64Array(classes);
    let totalWeight = 0;
    for (const label of labels) totalWeight += classWeight[label]!;
    for (let step = 0; step < (options.iterations ?? 1500); step++) {
      gradient.fill(0);
      biasGradient.fill(0);
      for (let r = 0; r < n; r++) {
        const x = inputs[r]!;
        softmaxInto(weights, biases, x, probabilities);
        const weight = classWeight[labels[r]!]! / totalWeight;
        for (let c = 0; c < classes; c++) {
          const error = weight * (probabilities[c]! - (c === labels[r] ? 1 : 0));
          biasGradient[c]! += error;
          for (let f = 0; f < features; f++) gradient[c * features + f]! += error * x[f]!;
        }
      }
      for (let k = 0; k < weights.length; k++) weights[k]! -= rate * (gradient[k]! + l2 * weights[k]!);
      for (let c = 0; c < classes; c++) biases[c]! -= rate * biasGradient[c]!;
    }
    return new SoftmaxRegression({
      classes,
      features,
      mean,
      scale,
      weights: [...weights],
      biases: [...biases],
    });
  }

  /** Class probabilities of one row. */
  predict(row: Float64Array): Float64Array {
    const { features, mean, scale, classes } = this.state;
    if (row.length !== features) throw new RangeError(`expected ${features} features, got ${row.length}`);
    const x = Float64Array.from(row, (value, f) => (value - mean[f]!) / scale[f]!);
    const out = new Float64Array(classes);
    softmaxInto(this.state.weights, this.state.biases, x, out);
    return out;
  }
}

function softmaxInto(
  weights: ArrayLike<number>,
  biases: ArrayLike<number>,
  x: Float64Array,
  out: Float64Array,
): void {
  const features = x.length;
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < out.length; c++) {
    let logit = biases[c]!;
    for (let f = 0; f < features; f++) logit += weights[c * features + f]! * x[f]!;
    out[c] = logit;
    if (logit > max) max = logit;
  }
  let sum = 0;
  for (let c = 0; c < out.length; c++) {
    out[c] = Math.exp(out[c]! - max);
    sum += out[c]!;
  }
  for (let c = 0; c < out.length; c++) out[c]! /= sum;
}
