import { kernels } from '../backend/select.js';
import type { IntTensor } from '../int-tensor.js';
import { opEnd, opStart } from '../profiler.js';
import { formatShape } from '../shape.js';
import { gradOf, needsGrad, record } from '../tape.js';
import { output, type Tensor } from '../tensor.js';

/** Rows of weight [vocab, dim] picked by ids: [...ids.shape, dim]; the gradient is a scatter-add. */
export function embedding(weight: Tensor, ids: IntTensor): Tensor {
  const t0 = opStart();
  if (weight.ndim !== 2)
    throw new RangeError(`embedding: weight must be [vocab, dim], got ${formatShape(weight.shape)}`);
  const vocab = weight.shape[0]!;
  const dim = weight.shape[1]!;
  const idData = ids.data;
  for (let i = 0; i < idData.length; i++) {
    const id = idData[i]!;
    if (id < 0 || id >= vocab) {
      throw new RangeError(`embedding: id ${id} at position ${i} is outside the vocabulary [0, ${vocab})`);
    }
  }
  const out = output([...ids.shape, dim]);
  kernels().gather(weight.data, idData, out.data, dim);
  if (needsGrad(weight)) {
    record('embedding', out, (g) => kernels().scatterAdd(g, idData, gradOf(weight), dim));
  }
  opEnd('embedding', t0);
  return out;
}
