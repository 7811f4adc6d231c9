import { AdamW, backward, clipGradNorm, mul, type Tensor } from '../tensor/index.js';

/** Learning rate of optimizer step `step` (0-based). */
export type LearningRate = (step: number) => number;

export interface OptimizationOptions {
  /** A constant learning rate, or one per step (a schedule). */
  lr: number | LearningRate;
  /** AdamW decoupled weight decay (not on 1-D parameters). Default 0. */
  weightDecay?: number;
  /** Global gradient-norm clip. Default 1; 0 turns it off. */
  clipNorm?: number;
  /** Adam's moment decay rates and epsilon. Default 0.9, 0.999, 1e-8. */
  beta1?: number;
  beta2?: number;
  eps?: number;
}

/**
 * The one place a loss becomes a parameter update: the gradients of one or
 * more (micro-batch) losses, global-norm clipping (Pascanu et al. 2013), then
 * an AdamW step at the scheduled learning rate. The trainer steps through it,
 * and so does every loop that cannot be a trainer task (ECPO's online updates).
 */
export class Optimization {
  readonly optimizer: AdamW;
  readonly parameters: readonly Tensor[];
  readonly #learningRate: LearningRate;
  readonly #clipNorm: number;
  /** Gradients of this step have been zeroed and are being accumulated. */
  #pending = false;

  constructor(parameters: readonly Tensor[], options: OptimizationOptions) {
    const { lr } = options;
    this.parameters = parameters;
    // Every step passes its rate, so the optimizer's own lr is never used.
    this.optimizer = new AdamW(parameters, {
      weightDecay: options.weightDecay ?? 0,
      ...(options.beta1 !== undefined && { beta1: options.beta1 }),
      ...(options.beta2 !== undefined && { beta2: options.beta2 }),
      ...(options.eps !== undefined && { eps: options.eps }),
    });
    this.#learningRate = typeof lr === 'number' ? () => lr : lr;
    this.#clipNorm = options.clipNorm ?? 1;
    if (!(this.#clipNorm >= 0))
      throw new RangeError(`Optimization: clipNorm must be >= 0, got ${this.#clipNorm}`);
  }

  /** Optimizer steps taken (restored with the optimizer's state on resume). */
  get steps(): number {
    return this.optimizer.stepCount;
  }

  /** Adds the gradient of `weight` x `loss` to this step's; returns the loss value. */
  accumulate(loss: Tensor, weight = 1): number {
    const value = loss.item();
    if (!Number.isFinite(value)) throw new RangeError(`loss is ${value} at optimizer step ${this.steps + 1}`);
    if (!this.#pending) {
      this.optimizer.zeroGrad();
      this.#pending = true;
    }
    backward(weight === 1 ? loss : mul(loss, weight));
    return value;
  }

  /** Clips the accumulated gradients and takes the AdamW step (none when nothing was accumulated). */
  step(): void {
    if (!this.#pending) return;
    if (this.#clipNorm > 0) clipGradNorm(this.parameters, this.#clipNorm);
    this.optimizer.step(this.#learningRate(this.steps));
    this.#pending = false;
  }

  /** One update from one loss; returns its value. */
  update(loss: Tensor): number {
    const value = this.accumulate(loss);
    this.step();
    return value;
  }
}
