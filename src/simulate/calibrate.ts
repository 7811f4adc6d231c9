import { Random } from '../core/index.js';
import {
  CLICK_MS,
  initialParams,
  LONG_VIEW_MS,
  type ResponseParams,
  responseDesign,
  sigmoid,
} from './response-model.js';
import { type CalibratedSignal, conditionalRate, type SignalStats, signalRate } from './signals.js';

/** What the calibration is fitted on: the exposures of a simulation run (one entry per impression). */
export interface CalibrationSample {
  size: number;
  /** Standardised taste z (+ follow bonus) of the impression. */
  affinity: Float64Array;
  expressiveness: Float64Array;
  durationMs: Float64Array;
  canFollow: Uint8Array;
  /** Satisfaction world only (`ResponseShape`): keep and watch logit shifts, and [size, 4] per-signal propensities (like, follow, comment, forward). */
  keepShift?: Float64Array;
  watchShift?: Float64Array;
  propensity?: Float64Array;
}

/**
 * Fits the intercepts and indicator coefficients of the response model so the
 * sample reproduces the target rates and co-occurrences (docs/simulate.md,
 * "Calibration"):
 * 1. keep intercept by bisection on E[click] = mean sigma(keep + t);
 * 2. watch intercept by bisection on the long_view count (common random numbers);
 * 3. for like, then follow / comment / forward (given like), then hate: Newton's
 *    method on the moment equations sum_n x_n sigma(theta . x_n + o_n) = target_x,
 *    one per feature x in {1, click, long_view[, like]}, i.e. the signal's rate and
 *    its co-occurrence with each parent signal.
 */
export function calibrate(sample: CalibrationSample, targets: SignalStats, seed = 7): ResponseParams {
  const random = new Random(seed);
  const n = sample.size;
  if (n < 1000) throw new RangeError(`calibrate needs at least 1000 impressions, got ${n}`);
  const taste = new Float64Array(n);
  const keepDraw = new Float64Array(n);
  const watchNoise = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    taste[i] = sample.affinity[i]! + responseDesign.tasteNoise * random.normal();
    keepDraw[i] = random.next();
    watchNoise[i] = responseDesign.watchNoise * random.normal();
  }
  const rate = (signal: CalibratedSignal) => signalRate(targets, signal);

  const keepShift = (i: number) => (sample.keepShift ? sample.keepShift[i]! : 0);
  const watchShift = (i: number) => (sample.watchShift ? sample.watchShift[i]! : 0);
  const keep = bisect((value) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += sigmoid(value + taste[i]! + keepShift(i));
    return sum / n;
  }, rate('is_click'));
  const click = new Float64Array(n);
  for (let i = 0; i < n; i++) click[i] = keepDraw[i]! < sigmoid(keep + taste[i]! + keepShift(i)) ? 1 : 0;
  const longViewAt = (watch: number, out?: Float64Array): number => {
    let count = 0;
    for (let i = 0; i < n; i++) {
      const value = click[i]
        ? longViewOfKept(watch + taste[i]! + watchNoise[i]! + watchShift(i), sample.durationMs[i]!)
        : 0;
      if (out) out[i] = value;
      count += value;
    }
    return count / n;
  };
  const watch = bisect((value) => longViewAt(value), rate('long_view'));
  const longView = new Float64Array(n);
  longViewAt(watch, longView);

  const weights = responseDesign.tasteWeight;
  // Column k of the propensities: 0 like, 1 follow, 2 comment, 3 forward; today one expressiveness for all.
  const expressive = (i: number, k: number) =>
    sample.propensity
      ? sample.propensity[i * 4 + k]!
      : responseDesign.expressiveWeight * sample.expressiveness[i]!;
  const fitSignal = (
    signal: CalibratedSignal,
    features: Array<{ column: Float64Array; given: CalibratedSignal | null }>,
    offset: (i: number) => number,
    start: number[],
    mask?: Uint8Array,
  ): { coefficients: number[]; drawn: Float64Array } => {
    const columns = features.map((feature) => feature.column);
    const wanted = features.map(({ column, given }) => {
      if (given === null) return rate(signal) * n;
      let count = 0;
      for (let i = 0; i < n; i++) count += column[i]!;
      return conditionalRate(targets, signal, given) * count;
    });
    const offsets = new Float64Array(n);
    for (let i = 0; i < n; i++) offsets[i] = mask && !mask[i] ? Number.NEGATIVE_INFINITY : offset(i);
    const coefficients = newtonMoments(columns, offsets, wanted, start);
    const drawn = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let logit = offsets[i]!;
      for (let f = 0; f < columns.length; f++) logit += coefficients[f]! * columns[f]![i]!;
      drawn[i] = random.next() < sigmoid(logit) ? 1 : 0;
    }
    return { coefficients, drawn };
  };
  const ones = new Float64Array(n).fill(1);
  const base = [
    { column: ones, given: null },
    { column: click, given: 'is_click' as const },
    { column: longView, given: 'long_view' as const },
  ];
  const like = fitSignal(
    'is_like',
    base,
    (i) => weights.like * taste[i]! + expressive(i, 0),
    initialParams.like,
  );
  const withLike = [...base, { column: like.drawn, given: 'is_like' as const }];
  const follow = fitSignal(
    'is_follow',
    withLike,
    (i) => weights.follow * taste[i]! + expressive(i, 1),
    initialParams.follow,
    sample.canFollow,
  );
  const comment = fitSignal(
    'is_comment',
    withLike,
    (i) => weights.comment * taste[i]! + expressive(i, 2),
    initialParams.comment,
  );
  const forward = fitSignal(
    'is_forward',
    withLike,
    (i) => weights.forward * taste[i]! + expressive(i, 3),
    initialParams.forward,
  );
  const hate = fitSignal('is_hate', base, (i) => weights.hate * taste[i]!, initialParams.hate);
  return {
    keep,
    watch,
    like: like.coefficients,
    follow: follow.coefficients,
    comment: comment.coefficients,
    forward: forward.coefficients,
    hate: hate.coefficients,
  };
}

/** long_view of a kept (valid-play) impression whose watch-fraction logit is `logit` (mirrors playTime). */
function longViewOfKept(logit: number, durationMs: number): number {
  if (durationMs <= CLICK_MS) return 1;
  const fraction = 1.25 * sigmoid(logit) - 0.1;
  if (fraction >= 1) return 1;
  if (durationMs <= LONG_VIEW_MS) return 0;
  return CLICK_MS + Math.max(fraction, 0.001) * (durationMs - CLICK_MS) >= LONG_VIEW_MS ? 1 : 0;
}

/** The x where the increasing function f(x) crosses target. */
function bisect(f: (x: number) => number, target: number, low = -15, high = 15): number {
  for (let step = 0; step < 50; step++) {
    const middle = (low + high) / 2;
    if (f(middle) < target) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/**
 * Solves sum_i x_fi sigma(theta . x_i + o_i) = wanted_f for theta (p features):
 * the stationarity condition of a concave logistic objective, so damped Newton
 * converges. o_i = -Infinity excludes impression i.
 */
export function newtonMoments(
  columns: readonly Float64Array[],
  offsets: Float64Array,
  wanted: readonly number[],
  start: readonly number[],
  iterations = 40,
): number[] {
  const p = columns.length;
  const n = offsets.length;
  const theta = start.slice(0, p);
  for (let iteration = 0; iteration < iterations; iteration++) {
    const gradient = new Float64Array(p);
    const hessian = new Float64Array(p * p);
    for (let i = 0; i < n; i++) {
      const offset = offsets[i]!;
      if (offset === Number.NEGATIVE_INFINITY) continue;
      let logit = offset;
      for (let f = 0; f < p; f++) logit += theta[f]! * columns[f]![i]!;
      const probability = sigmoid(logit);
      const curvature = probability * (1 - probability);
      for (let f = 0; f < p; f++) {
        const xf = columns[f]![i]!;
        if (xf === 0) continue;
        gradient[f]! += xf * probability;
        for (let g = 0; g < p; g++) hessian[f * p + g]! += xf * columns[g]![i]! * curvature;
      }
    }
    let largest = 0;
    for (let f = 0; f < p; f++) {
      gradient[f]! -= wanted[f]!;
      largest = Math.max(largest, Math.abs(gradient[f]!) / Math.max(wanted[f]!, 1));
    }
    if (largest < 1e-6) break;
    const step = solve(hessian, gradient, p);
    let size = 0;
    for (const value of step) size = Math.max(size, Math.abs(value));
    const scale = size > 2 ? 2 / size : 1;
    for (let f = 0; f < p; f++) theta[f]! -= scale * step[f]!;
  }
  return theta;
}

/** Gaussian elimination with partial pivoting on a small dense system A x = b (A is p x p, row-major). */
function solve(matrix: Float64Array, vector: Float64Array, p: number): Float64Array {
  const a = Float64Array.from(matrix);
  const b = Float64Array.from(vector);
  for (let f = 0; f < p; f++) a[f * p + f]! += 1e-9;
  for (let column = 0; column < p; column++) {
    let pivot = column;
    for (let row = column + 1; row < p; row++) {
      if (Math.abs(a[row * p + column]!) > Math.abs(a[pivot * p + column]!)) pivot = row;
    }
    if (pivot !== column) {
      for (let k = 0; k < p; k++) {
        const tmp = a[column * p + k]!;
        a[column * p + k] = a[pivot * p + k]!;
        a[pivot * p + k] = tmp;
      }
      const tmp = b[column]!;
      b[column] = b[pivot]!;
      b[pivot] = tmp;
    }
    for (let row = column + 1; row < p; row++) {
      const factor = a[row * p + column]! / a[column * p + column]!;
      for (let k = column; k < p; k++) a[row * p + k]! -= factor * a[column * p + k]!;
      b[row]! -= factor * b[column]!;
    }
  }
  const x = new Float64Array(p);
  for (let row = p - 1; row >= 0; row--) {
    let sum = b[row]!;
    for (let k = row + 1; k < p; k++) sum -= a[row * p + k]! * x[k]!;
    x[row] = sum / a[row * p + row]!;
  }
  return x;
}
