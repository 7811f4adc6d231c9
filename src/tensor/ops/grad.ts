import { kernels } from '../backend/select.js';
import { allocate } from '../buffer-pool.js';
import { adoptGrad, gradOf } from '../tape.js';
import type { Tensor } from '../tensor.js';

/**
 * Adds `grad` into t.grad. When `owned` (the buffer is dead after this call and
 * handed to no one else) and t has no gradient yet, the buffer is adopted without
 * a copy: the tape frees each output gradient right after its backward runs.
 */
export function accumulateGrad(t: Tensor, grad: Float32Array, owned: boolean): void {
  if (!t.requiresGrad) return;
  if (t.grad === null && owned) {
    adoptGrad(t, grad);
    return;
  }
  if (t.grad === null) {
    // A copy is cheaper than zero-filling and then adding.
    const copy = allocate(grad.length);
    copy.set(grad);
    t.grad = copy;
    return;
  }
  kernels().axpy(1, grad, gradOf(t));
}
