import type { Activation } from '../backend/kernels.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { biasActivation } from './activation.js';
import { matmul } from './matmul.js';

/**
 * y = act(x @ weight + bias) with weight [in, out] shared over x's leading axes;
 * the bias and activation run as one fused kernel after the GEMM.
 */
export function linear(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  activation: Activation = 'none',
): Tensor {
  if (weight.ndim !== 2 || x.shape[x.ndim - 1] !== weight.shape[0]) {
    throw new RangeError(
      `linear: input ${formatShape(x.shape)} does not match weight ${formatShape(weight.shape)}`,
    );
  }
  const z = matmul(x, weight); // [..., out]
  if (bias === null && activation === 'none') return z;
  // z is private to this function, so the bias/ReLU can overwrite it.
  return biasActivation(z, bias, activation, { inPlace: true });
}
