import { expect } from 'vitest';
import { Random } from '../../core/index.js';
import { backward, clearTape, noGrad } from '../tape.js';
import type { Tensor } from '../tensor.js';

export interface GradCheckOptions {
  eps?: number;
  rtol?: number;
  atol?: number;
  /** Check at most this many elements per input (chosen at random). */
  samples?: number;
  seed?: number;
}

/**
 * Compares the tape's gradients of L = sum(f(inputs) * w) (w fixed random) with
 * central differences in float32. Inputs must require grad.
 */
export function gradCheck(f: () => Tensor, inputs: readonly Tensor[], options: GradCheckOptions = {}): void {
  const eps = options.eps ?? 1e-2;
  const rtol = options.rtol ?? 2e-2;
  const atol = options.atol ?? 2e-3;
  const random = new Random(options.seed ?? 7);
  for (const t of inputs) t.grad = null;
  const out = f();
  const weights = Float64Array.from({ length: out.size }, () => random.normal());
  const lossOf = (o: Tensor): number => {
    let s = 0;
    for (let i = 0; i < o.size; i++) {
      const v = o.data[i]!;
      if (Number.isFinite(v)) s += v * weights[i]!;
    }
    return s;
  };
  const seed = new Float32Array(out.size);
  for (let i = 0; i < out.size; i++) seed[i] = Number.isFinite(out.data[i]!) ? weights[i]! : 0;
  backward(out, seed);
  clearTape();
  inputs.forEach((t, index) => {
    const analytic = t.grad ?? new Float32Array(t.size);
    const count = Math.min(t.size, options.samples ?? 24);
    const picks =
      count === t.size ? [...Array(t.size).keys()] : Array.from({ length: count }, () => random.int(t.size));
    for (const i of picks) {
      const saved = t.data[i]!;
      t.data[i] = saved + eps;
      const plus = noGrad(() => lossOf(f()));
      t.data[i] = saved - eps;
      const minus = noGrad(() => lossOf(f()));
      t.data[i] = saved;
      const numeric = (plus - minus) / (2 * eps);
      const a = analytic[i]!;
      const ok = Math.abs(a - numeric) <= atol + rtol * Math.max(Math.abs(a), Math.abs(numeric));
      if (!ok) {
        expect.fail(`input ${index} element ${i}: analytic ${a}, numeric ${numeric}`);
      }
    }
  });
}
