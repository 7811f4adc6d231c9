import { kernels } from '../backend/select.js';
import type { Tensor } from '../tensor.js';

/**
 * Scales all gradients so their global L2 norm is at most maxNorm (Pascanu et al.
 * 2013), as torch.nn.utils.clip_grad_norm_. Returns the norm before clipping.
 */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number): number {
  if (!(maxNorm > 0)) throw new RangeError(`clipGradNorm: maxNorm must be > 0, got ${maxNorm}`);
  const k = kernels();
  let total = 0;
  for (const p of params) if (p.grad !== null) total += k.sumSquares(p.grad);
  const norm = Math.sqrt(total);
  if (norm > maxNorm) {
    const factor = maxNorm / (norm + 1e-6);
    for (const p of params) if (p.grad !== null) k.scale(p.grad, factor);
  }
  return norm;
}
