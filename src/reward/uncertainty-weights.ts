/**
 * Self-adjusting weights of the consistency objectives, from homoscedastic
 * uncertainty (Kendall, Gal and Cipolla 2018): one log-variance u_k per
 * objective, moved by the gradient of sum_k exp(-u_k) L_k + u_k, which is
 * 1 - exp(-u_k) L_k: u_k tracks log L_k, so an objective the fusion can meet
 * (low loss) gets more weight and one that stays noisy (high loss) less.
 * Unlike Kendall's sum, the weights are normalised to shares summing to 1:
 * unnormalised, an objective whose loss nears 0 gets an unbounded weight and
 * swamps the relative-satisfaction loss (measured: the pairwise loss grew
 * from 1.2 to 6 in four epochs). The u_k are plain numbers with their own SGD step.
 */
export class UncertaintyWeights {
  readonly logVariance: Float64Array;
  readonly #lr: number;

  constructor(objectives: number, options: { lr?: number } = {}) {
    this.logVariance = new Float64Array(objectives);
    this.#lr = options.lr ?? 0.02;
  }

  /** Objective k's share exp(-u_k) / sum_j exp(-u_j). */
  share(objective: number): number {
    let total = 0;
    for (const u of this.logVariance) total += Math.exp(-u);
    return Math.exp(-this.logVariance[objective]!) / total;
  }

  /** One SGD step on u given this step's objective losses (NaN: objective absent this step). */
  update(losses: ArrayLike<number>): void {
    for (let k = 0; k < this.logVariance.length; k++) {
      const loss = losses[k]!;
      if (!Number.isFinite(loss)) continue;
      this.logVariance[k]! -= this.#lr * (1 - Math.exp(-this.logVariance[k]!) * loss);
    }
  }

  shares(): number[] {
    return Array.from(this.logVariance, (_, k) => this.share(k));
  }
}
