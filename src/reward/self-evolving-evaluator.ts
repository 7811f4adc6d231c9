/**
 * EMER's self-evolving evaluator (arXiv 2508.05093; docs/reward.md, "The
 * self-evolving evaluator"), as built here: the objectives of the fusion are
 * weighted by how well the ranking each objective stands for agrees with
 * long-run satisfaction proxies on held-out requests, and the weights move
 * during training as those agreements are re-measured. Each evaluation: the
 * within-request concordance a_k of objective k with the proxies (0.5 = no
 * better than chance), a target share t = softmax(a / temperature), and
 * w <- (1 - rate) w + rate t, with a floor so no objective is switched off.
 * A different mechanism from `UncertaintyWeights` (which follows each
 * objective's own training loss).
 */
export class SelfEvolvingEvaluator {
  readonly #weights: Float64Array;
  readonly #rate: number;
  readonly #temperature: number;
  readonly #floor: number;
  readonly history: { agreements: number[]; weights: number[] }[] = [];

  constructor(
    readonly objectives: readonly string[],
    options: { rate?: number; temperature?: number; floor?: number } = {},
  ) {
    const K = objectives.length;
    if (K === 0) throw new RangeError('SelfEvolvingEvaluator: no objectives');
    this.#weights = new Float64Array(K).fill(1 / K);
    this.#rate = options.rate ?? 0.3;
    this.#temperature = options.temperature ?? 0.05;
    this.#floor = options.floor ?? 0.2 / K;
    if (!(this.#rate > 0 && this.#rate <= 1))
      throw new RangeError(`SelfEvolvingEvaluator: rate must be in (0, 1], got ${this.#rate}`);
    if (!(this.#temperature > 0))
      throw new RangeError(`SelfEvolvingEvaluator: temperature must be > 0, got ${this.#temperature}`);
    if (!(this.#floor >= 0 && this.#floor * K < 1))
      throw new RangeError(`SelfEvolvingEvaluator: floor must be in [0, 1 / ${K}), got ${this.#floor}`);
  }

  /** Objective k's share (the shares sum to 1). */
  weight(objective: number): number {
    return this.#weights[objective]!;
  }

  /** Objective k's loss multiplier: its share times the number of objectives (1 when all are equal). */
  multiplier(objective: number): number {
    return this.#weights.length * this.#weights[objective]!;
  }

  weights(): number[] {
    return Array.from(this.#weights);
  }

  /**
   * One evaluation: `values` [N, K] (each objective's ranking of the held-out
   * rows, higher = better), `proxies` [N, P] (NaN = unknown). Returns the
   * agreements; objectives without a measurable pair keep their share.
   */
  evaluate(values: Float32Array, proxies: Float32Array, requestOffsets: Int32Array): Float64Array {
    const K = this.#weights.length;
    const agreements = concordance(values, K, proxies, requestOffsets);
    this.update(agreements);
    return agreements;
  }

  /** Moves the shares toward softmax(agreements / temperature) over the finite agreements. */
  update(agreements: ArrayLike<number>): void {
    const K = this.#weights.length;
    const measured = Array.from({ length: K }, (_, k) => k).filter((k) => Number.isFinite(agreements[k]));
    if (measured.length > 0) {
      const mass = measured.reduce((sum, k) => sum + this.#weights[k]!, 0);
      const top = Math.max(...measured.map((k) => agreements[k]!));
      const exps = measured.map((k) => Math.exp((agreements[k]! - top) / this.#temperature));
      const total = exps.reduce((a, b) => a + b, 0);
      measured.forEach((k, j) => {
        const target = (mass * exps[j]!) / total;
        this.#weights[k] = (1 - this.#rate) * this.#weights[k]! + this.#rate * target;
      });
      this.#applyFloor();
    }
    this.history.push({ agreements: Array.from(agreements), weights: this.weights() });
  }

  /** Lifts shares below the floor to it, taking the difference from the others in proportion. */
  #applyFloor(): void {
    const w = this.#weights;
    const floor = this.#floor;
    let lifted = 0;
    let free = 0;
    for (const value of w)
      if (value < floor) lifted += floor - value;
      else free += value - floor;
    if (lifted === 0) return;
    for (let k = 0; k < w.length; k++) {
      w[k] = w[k]! < floor ? floor : floor + (w[k]! - floor) * (1 - lifted / free);
    }
  }
}

/**
 * [K] per objective, the share of within-request pairs ordered by a proxy
 * (pairs where both rows know the proxy and it differs) that the objective's
 * values order the same way (ties count one half), pooled over the proxies.
 * NaN for an objective when no pair exists.
 */
export function concordance(
  values: Float32Array,
  objectives: number,
  proxies: Float32Array,
  requestOffsets: Int32Array,
): Float64Array {
  const R = requestOffsets.length - 1;
  const N = requestOffsets[R] ?? 0;
  const P = N > 0 ? proxies.length / N : 0;
  if (values.length !== N * objectives || !Number.isInteger(P))
    throw new RangeError(
      `concordance: values [${values.length}] and proxies [${proxies.length}] do not fit ${N} rows and ${objectives} objectives`,
    );
  const agree = new Float64Array(objectives);
  let pairs = 0;
  for (let r = 0; r < R; r++) {
    const to = requestOffsets[r + 1]!;
    for (let a = requestOffsets[r]!; a < to; a++) {
      for (let b = a + 1; b < to; b++) {
        for (let p = 0; p < P; p++) {
          const gap = proxies[a * P + p]! - proxies[b * P + p]!;
          if (!Number.isFinite(gap) || gap === 0) continue;
          pairs++;
          const [winner, loser] = gap > 0 ? [a, b] : [b, a];
          for (let k = 0; k < objectives; k++) {
            const difference = values[winner * objectives + k]! - values[loser * objectives + k]!;
            agree[k]! += difference > 0 ? 1 : difference === 0 ? 0.5 : 0;
          }
        }
      }
    }
  }
  return agree.map((sum) => (pairs > 0 ? sum / pairs : Number.NaN));
}
