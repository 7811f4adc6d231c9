import { z } from 'zod';
import {
  addNeighbourScores,
  cosineNeighbours,
  type Neighbours,
  Popularity,
  transitionProbabilities,
} from '../baselines/index.js';
import { InvalidInputError, type Random } from '../core/index.js';
import type { TrainingData } from '../eval/index.js';
import { loadBaseline, saveBaseline } from './baseline-checkpoint.js';

/** What a learned ID model can read of an item after a history (`learned.features`, comma-separated). */
export const LEARNED_FEATURES = [
  'popularity',
  'recent',
  'transition',
  'transitionLog',
  'neighbours',
  'neighboursLog',
] as const;
type LearnedFeature = (typeof LEARNED_FEATURES)[number];

/** The feature names of a `learned.features` value, or the first one that is not a feature. */
function featureList(value: string): { features: LearnedFeature[] } | { unknown: string } {
  const names = value.split(',').map((name) => name.trim());
  const unknown = names.find((name) => !(LEARNED_FEATURES as readonly string[]).includes(name));
  return unknown === undefined ? { features: names as LearnedFeature[] } : { unknown };
}

/** The learned ID model's params (under `learned.` in the generative params). */
export const learnedParamsSchema = z.object({
  /**
   * Columns of its linear score: `popularity` ln(1 + users of the item),
   * `recent` the same over each user's last `recentItems` items, `transition`
   * P(item | last history item), `neighbours` the item-kNN score of the
   * history as a share of the request's best and as ln(1 + score);
   * `transitionLog` and `neighboursLog` the log of the probability and of the
   * share, floored at 1 / items (so the score can multiply by them, a product
   * of experts like the generative model's mix of log-scores).
   */
  features: z
    .string()
    .superRefine((value, issue) => {
      const parsed = featureList(value);
      if ('unknown' in parsed)
        issue.addIssue({
          code: 'custom',
          message: `"${parsed.unknown}" is not a feature (known: ${LEARNED_FEATURES.join(', ')})`,
        });
    })
    .default('popularity,recent,transition,transitionLog,neighbours,neighboursLog'),
  /** Each user's last items that count as recent. */
  recentItems: z.number().int().min(1).default(10),
  /** Item-kNN neighbours kept per item, their shrinkage and the weight decay^age of a history item. */
  neighbours: z.number().int().min(1).default(200),
  shrink: z.number().min(0).default(50),
  decay: z.number().min(0).max(1).default(0.8),
  /** Users whose held-out last items are one example of the fit (a fixed random sample). */
  users: z.number().int().min(1).default(5000),
  /** Items held out at the end of each sequence: the labels of its example, each one softmax. */
  heldOut: z.number().int().min(1).default(1),
  /** L2 penalty on the weights, added to the mean loss. */
  l2: z.number().min(0).default(1e-3),
  /** Newton steps at most. */
  iterations: z.number().int().min(1).max(100).default(30),
});

export type LearnedParams = z.infer<typeof learnedParamsSchema>;

/** Per-item statistics of the sequences the features are read from. */
interface ItemStatistics {
  numItems: number;
  /** ln(1 + users who consumed the item). */
  popularity: Float32Array;
  /** ln(1 + users with the item among their last `recentItems`). */
  recent: Float32Array;
  transitions: Neighbours;
  neighbours: Neighbours;
}

function itemStatistics(
  sequences: readonly Int32Array[],
  numItems: number,
  p: LearnedParams,
): ItemStatistics {
  const logCounts = (of: readonly Int32Array[]): Float32Array => {
    const popularity = new Popularity();
    popularity.fit({ numUsers: of.length, numItems, sequences: of });
    return popularity.counts().map(Math.log1p);
  };
  return {
    numItems,
    popularity: logCounts(sequences),
    recent: logCounts(sequences.map((sequence) => sequence.subarray(-p.recentItems))),
    transitions: transitionProbabilities(sequences, numItems),
    neighbours: cosineNeighbours(sequences, numItems, { neighbours: p.neighbours, shrink: p.shrink }),
  };
}

/** The columns each feature adds. */
const COLUMNS: Record<LearnedFeature, readonly string[]> = {
  popularity: ['popularity'],
  recent: ['recent'],
  transition: ['transition'],
  transitionLog: ['transition log'],
  neighbours: ['neighbours share', 'neighbours log1p'],
  neighboursLog: ['neighbours share log'],
};

/** The feature columns of every item after a history, in scratch arrays the next call overwrites. */
class ItemFeatures {
  /** [columns][numItems] */
  readonly columns: Float32Array[];
  readonly #statistics: ItemStatistics;
  readonly #decay: number;
  /** [numItems] P(item | last history item), when a feature reads it. */
  readonly #transitions: Float32Array | undefined;
  /** [numItems] the history's item-kNN scores, when a feature reads them. */
  readonly #neighbours: Float32Array | undefined;
  /** Columns filled per request from those, after them. */
  readonly #derived: Array<{ column: Float32Array; of: (item: number, knnScale: number) => number }> = [];

  constructor(statistics: ItemStatistics, features: readonly LearnedFeature[], decay: number) {
    this.#statistics = statistics;
    this.#decay = decay;
    const { numItems } = statistics;
    // Added to a score before its log: one in the catalogue.
    const floor = 1 / Math.max(1, numItems);
    const reads = (...names: LearnedFeature[]): boolean => names.some((name) => features.includes(name));
    const transitions = reads('transition', 'transitionLog') ? new Float32Array(numItems) : undefined;
    const neighbours = reads('neighbours', 'neighboursLog') ? new Float32Array(numItems) : undefined;
    this.#transitions = transitions;
    this.#neighbours = neighbours;
    const derived = (of: (item: number, knnScale: number) => number): Float32Array => {
      const column = new Float32Array(numItems);
      this.#derived.push({ column, of });
      return column;
    };
    const columnsOf: Record<LearnedFeature, () => Float32Array[]> = {
      popularity: () => [statistics.popularity],
      recent: () => [statistics.recent],
      transition: () => [transitions!],
      transitionLog: () => [derived((item) => Math.log(transitions![item]! + floor))],
      neighbours: () => [
        derived((item, scale) => neighbours![item]! * scale),
        derived((item) => Math.log1p(neighbours![item]!)),
      ],
      neighboursLog: () => [derived((item, scale) => Math.log(neighbours![item]! * scale + floor))],
    };
    this.columns = features.flatMap((feature) => columnsOf[feature]());
  }

  compute(history: Int32Array): readonly Float32Array[] {
    const transitions = this.#transitions;
    if (transitions !== undefined) {
      transitions.fill(0);
      const last = history.at(-1);
      if (last !== undefined) {
        const { offsets, items, weights } = this.#statistics.transitions;
        for (let n = offsets[last]!; n < offsets[last + 1]!; n++) transitions[items[n]!] = weights[n]!;
      }
    }
    let knnScale = 0;
    const neighbours = this.#neighbours;
    if (neighbours !== undefined) {
      neighbours.fill(0);
      addNeighbourScores(this.#statistics.neighbours, history, this.#decay, 1, neighbours);
      let max = 0;
      for (const value of neighbours) if (value > max) max = value;
      // Shares of the request's best score.
      knnScale = max > 0 ? 1 / max : 0;
    }
    for (const { column, of } of this.#derived)
      for (let item = 0; item < column.length; item++) column[item] = of(item, knnScale);
    return this.columns;
  }
}

/**
 * An ID model whose log-score of an item is a learned linear function of
 * the item's features (popularity, recent popularity, the transition from the
 * last item, item-kNN with the history) instead of one of them: the
 * cascade's pre-rank (docs/cascade.md) as a softmax over the whole catalogue.
 * The weights maximise the log-likelihood of each sampled user's held-out
 * last items among all items outside the rest of their sequence, with the
 * features read from the sequences without their last items (so the label is
 * not in the statistics it is scored by); the statistics are then rebuilt
 * from the whole sequences and the weights kept.
 */
export class LearnedIdModel {
  readonly name = 'learned';
  readonly params: LearnedParams;
  /** One per feature column, in the order of `learned.features`. */
  readonly weights: Float32Array;
  readonly #statistics: ItemStatistics;
  readonly #features: ItemFeatures;

  private constructor(params: LearnedParams, statistics: ItemStatistics, weights: Float32Array) {
    this.params = params;
    this.#statistics = statistics;
    this.weights = weights;
    this.#features = new ItemFeatures(statistics, featuresOf(params), params.decay);
    if (this.#features.columns.length !== weights.length)
      throw new InvalidInputError(
        `learned ID model: ${weights.length} weights for the ${this.#features.columns.length} columns of features "${params.features}"`,
      );
  }

  /** The name of each weight's column. */
  get columns(): string[] {
    return featuresOf(this.params).flatMap((feature) => COLUMNS[feature]);
  }

  get covered(): number {
    return this.#statistics.numItems;
  }

  static fit(data: TrainingData, params: LearnedParams, random: Random): LearnedIdModel {
    const { numItems, sequences } = data;
    const cut = (sequence: Int32Array): number => Math.max(0, sequence.length - params.heldOut);
    const heldOut = itemStatistics(
      sequences.map((sequence) => sequence.subarray(0, cut(sequence))),
      numItems,
      params,
    );
    const candidates = sequences.flatMap((sequence) => {
      const history = sequence.subarray(0, cut(sequence));
      // A label already in the history could not be recommended.
      const targets = sequence.subarray(history.length).filter((item) => !history.includes(item));
      return history.length > 0 && targets.length > 0 ? [{ history, targets }] : [];
    });
    const examples = random.shuffle(candidates).slice(0, params.users);
    const features = new ItemFeatures(heldOut, featuresOf(params), params.decay);
    const weights = fitWeights(features, examples, numItems, params);
    return new LearnedIdModel(params, itemStatistics(sequences, numItems, params), weights);
  }

  /** w . features of every item after `history`. */
  logScores(history: Int32Array, out: Float32Array): void {
    const known = history.filter((item) => item < this.covered);
    const columns = this.#features.compute(known);
    out.fill(0);
    columns.forEach((column, c) => {
      const weight = this.weights[c]!;
      for (let item = 0; item < out.length; item++) out[item]! += weight * column[item]!;
    });
  }

  save(path: string): Promise<void> {
    const { popularity, recent, transitions, neighbours } = this.#statistics;
    return saveBaseline(path, {
      model: 'learned',
      params: this.params,
      floats: { weights: this.weights, popularity, recent },
      neighbours: { transitions, neighbours },
    });
  }

  static async load(path: string): Promise<LearnedIdModel> {
    const state = await loadBaseline(path, 'learned', ['weights', 'popularity', 'recent']);
    const { transitions, neighbours } = state.neighbours;
    const parsed = learnedParamsSchema.safeParse(state.params);
    if (transitions === undefined || neighbours === undefined || !parsed.success)
      throw new InvalidInputError(
        `Cannot load ${path}: its params, transitions or neighbourhoods are missing`,
      );
    const { weights, popularity, recent } = state.floats as Record<string, Float32Array>;
    const statistics = {
      numItems: popularity!.length,
      popularity: popularity!,
      recent: recent!,
      transitions,
      neighbours,
    };
    try {
      return new LearnedIdModel(parsed.data, statistics, weights!);
    } catch (error) {
      throw new InvalidInputError(`Cannot load ${path}: ${(error as Error).message}`, { cause: error });
    }
  }
}

function featuresOf(params: LearnedParams): LearnedFeature[] {
  const parsed = featureList(params.features);
  if ('unknown' in parsed)
    throw new InvalidInputError(`learned.features: "${parsed.unknown}" is not a feature`);
  return parsed.features;
}

/** A user's sequence cut in two: the history the features read, the items after it as labels. */
interface Example {
  history: Int32Array;
  targets: Int32Array;
}

/**
 * Newton's method with a backtracking line search on the mean negative
 * log-softmax of each label over the items outside its example's history,
 * plus l2 / 2 |w|^2: a convex problem in the few weights.
 */
function fitWeights(
  features: ItemFeatures,
  examples: readonly Example[],
  numItems: number,
  params: LearnedParams,
): Float32Array {
  const count = features.columns.length;
  let weights = new Float64Array(count);
  if (examples.length === 0) return new Float32Array(count);
  let current = objective(features, examples, numItems, weights, params.l2);
  for (let iteration = 0; iteration < params.iterations; iteration++) {
    const step = solveSymmetric(current.hessian, current.gradient, count); // H^-1 g
    let size = 1;
    let next = current;
    let candidate = weights;
    // Armijo: accept a step that lowers the loss by a share of its first-order decrease.
    const decrease = step.reduce((sum, value, c) => sum + value * current.gradient[c]!, 0);
    for (let halving = 0; halving < 20; halving++, size /= 2) {
      candidate = weights.map((weight, c) => weight - size * step[c]!);
      next = objective(features, examples, numItems, candidate, params.l2);
      if (next.loss <= current.loss - 1e-4 * size * decrease) break;
    }
    if (next.loss > current.loss) break;
    weights = candidate;
    current = next;
    if (size * Math.max(...step.map(Math.abs)) < 1e-6) break;
  }
  return Float32Array.from(weights);
}

interface Objective {
  loss: number;
  gradient: Float64Array;
  /** [count, count] */
  hessian: Float64Array;
}

function objective(
  features: ItemFeatures,
  examples: readonly Example[],
  numItems: number,
  weights: Float64Array,
  l2: number,
): Objective {
  const count = weights.length;
  const gradient = new Float64Array(count);
  const hessian = new Float64Array(count * count);
  const logits = new Float64Array(numItems);
  const seen = new Uint8Array(numItems);
  const mean = new Float64Array(count);
  const second = new Float64Array(count * count);
  const row = new Float64Array(count);
  let loss = 0;
  let labels = 0;
  for (const { history, targets } of examples) {
    const columns = features.compute(history);
    for (const item of history) seen[item] = 1;
    let max = Number.NEGATIVE_INFINITY;
    for (let item = 0; item < numItems; item++) {
      let logit = 0;
      for (let c = 0; c < count; c++) logit += weights[c]! * columns[c]![item]!;
      logits[item] = logit;
      if (seen[item] === 0 && logit > max) max = logit;
    }
    mean.fill(0);
    second.fill(0);
    let sum = 0;
    for (let item = 0; item < numItems; item++) {
      if (seen[item] === 1) continue;
      const share = Math.exp(logits[item]! - max);
      sum += share;
      for (let c = 0; c < count; c++) row[c] = columns[c]![item]!;
      for (let c = 0; c < count; c++) {
        const weighted = share * row[c]!;
        mean[c]! += weighted;
        for (let d = c; d < count; d++) second[c * count + d]! += weighted * row[d]!;
      }
    }
    for (const item of history) seen[item] = 0;
    // Every label of an example shares its softmax, so its expectations.
    const n = targets.length;
    labels += n;
    for (const target of targets) loss += max + Math.log(sum) - logits[target]!;
    for (let c = 0; c < count; c++) {
      const expected = mean[c]! / sum;
      gradient[c]! += n * expected;
      for (const target of targets) gradient[c]! -= columns[c]![target]!;
      for (let d = c; d < count; d++)
        hessian[c * count + d]! += n * (second[c * count + d]! / sum - expected * (mean[d]! / sum));
    }
  }
  const n = labels;
  for (let c = 0; c < count; c++) {
    gradient[c] = gradient[c]! / n + l2 * weights[c]!;
    for (let d = c; d < count; d++) {
      const value = hessian[c * count + d]! / n + (c === d ? l2 : 0);
      hessian[c * count + d] = value;
      hessian[d * count + c] = value;
    }
  }
  const penalty = (l2 / 2) * weights.reduce((sum, weight) => sum + weight * weight, 0);
  return { loss: loss / n + penalty, gradient, hessian };
}

/** x with A x = b for a symmetric positive semi-definite [n, n] A (Gaussian elimination, a tiny ridge if singular). */
function solveSymmetric(matrix: Float64Array, vector: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(matrix);
  const x = Float64Array.from(vector);
  for (let i = 0; i < n; i++) a[i * n + i]! += 1e-10;
  for (let pivot = 0; pivot < n; pivot++) {
    const diagonal = a[pivot * n + pivot]!;
    for (let row = pivot + 1; row < n; row++) {
      const factor = a[row * n + pivot]! / diagonal;
      if (factor === 0) continue;
      for (let column = pivot; column < n; column++) a[row * n + column]! -= factor * a[pivot * n + column]!;
      x[row]! -= factor * x[pivot]!;
    }
  }
  for (let row = n - 1; row >= 0; row--) {
    let value = x[row]!;
    for (let column = row + 1; column < n; column++) value -= a[row * n + column]! * x[column]!;
    x[row] = value / a[row * n + row]!;
  }
  return x;
}
