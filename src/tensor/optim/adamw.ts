import { kernels } from '../backend/select.js';
import { opEnd, opStart } from '../profiler.js';
import type { Tensor } from '../tensor.js';

export interface AdamWOptions {
  /** Default 1e-3. */
  lr?: number;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-8. */
  eps?: number;
  /** Decoupled weight decay; default 0 (plain Adam). */
  weightDecay?: number;
  /** Parameters that never decay (biases, norms); default: every 1-D parameter. */
  noDecay?: (param: Tensor) => boolean;
}

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter 2019, Algorithm 2; the
 * same update as PyTorch's AdamW). Parameters without a gradient are skipped.
 */
export class AdamW {
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly params: readonly Tensor[];
  #step = 0;
  readonly #m: Float32Array[];
  readonly #v: Float32Array[];
  readonly #decays: boolean[];

  constructor(params: readonly Tensor[], options: AdamWOptions = {}) {
    this.params = params;
    this.lr = options.lr ?? 1e-3;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
    const noDecay = options.noDecay ?? ((p: Tensor) => p.ndim <= 1);
    for (const p of params) {
      if (!p.requiresGrad) throw new RangeError(`AdamW: ${p} does not require grad`);
    }
    this.#m = params.map((p) => new Float32Array(p.size));
    this.#v = params.map((p) => new Float32Array(p.size));
    this.#decays = params.map((p) => !noDecay(p));
  }

  get stepCount(): number {
    return this.#step;
  }

  /** One update with the current gradients (lr overrides this.lr, e.g. from a schedule). */
  step(lr = this.lr): void {
    const t0 = opStart();
    this.#step++;
    const bc1 = 1 - this.beta1 ** this.#step;
    const bc2 = 1 - this.beta2 ** this.#step;
    const k = kernels();
    this.params.forEach((p, i) => {
      if (p.grad === null) return;
      const decay = this.#decays[i] ? this.weightDecay : 0;
      k.adamw(
        p.data,
        p.grad,
        this.#m[i]!,
        this.#v[i]!,
        lr,
        this.beta1,
        this.beta2,
        this.eps,
        decay,
        bc1,
        bc2,
      );
    });
    opEnd('adamw', t0);
  }

  /** Zeroes every parameter's gradient (kept allocated for the next step). */
  zeroGrad(): void {
    for (const p of this.params) p.grad?.fill(0);
  }

  /** Moments and step count, for checkpoints. */
  state(): { step: number; m: readonly Float32Array[]; v: readonly Float32Array[] } {
    return { step: this.#step, m: this.#m, v: this.#v };
  }

  loadState(state: { step: number; m: readonly Float32Array[]; v: readonly Float32Array[] }): void {
    if (state.m.length !== this.params.length || state.v.length !== this.params.length) {
      throw new RangeError(
        `AdamW.loadState: state has ${state.m.length} tensors, optimizer has ${this.params.length}`,
      );
    }
    for (let i = 0; i < this.params.length; i++) {
      this.#m[i]!.set(state.m[i]!);
      this.#v[i]!.set(state.v[i]!);
    }
    this.#step = state.step;
  }
}
