import { kernels } from '../backend/select.js';
import { opEnd, opStart } from '../profiler.js';
import { formatShape } from '../shape.js';
import { gradOf, needsGrad, record } from '../tape.js';
import { output, type Tensor } from '../tensor.js';

export interface SoftmaxOptions {
  /**
   * 1 = keep, 0 = drop, shaped like x or like its trailing axes (e.g. [cols] or
   * [T, cols] for x [B, T, cols]). Dropped entries get probability 0
   * (log-softmax: -Infinity); a fully dropped row is all 0 (-Infinity).
   */
  mask?: Uint8Array;
}

function run(x: Tensor, options: SoftmaxOptions, log: boolean): Tensor {
  const op = log ? 'logSoftmax' : 'softmax';
  const t0 = opStart();
  const cols = x.shape[x.ndim - 1] ?? 1;
  const rows = cols === 0 ? 0 : x.size / cols;
  const mask = options.mask ?? null;
  let maskRows = 1;
  if (mask !== null) {
    if (mask.length === 0 || mask.length % cols !== 0 || x.size % mask.length !== 0) {
      throw new RangeError(`${op}: mask of ${mask.length} values does not fit x ${formatShape(x.shape)}`);
    }
    maskRows = mask.length / cols;
  }
  const out = output(x.shape);
  const k = kernels();
  k.softmax(x.data, out.data, rows, cols, mask, maskRows, log);
  if (needsGrad(x)) record(op, out, (g) => k.softmaxBackward(g, out.data, gradOf(x), rows, cols, log));
  opEnd(op, t0);
  return out;
}

/** Softmax over the last axis, optionally masked. */
export function softmax(x: Tensor, options: SoftmaxOptions = {}): Tensor {
  return run(x, options, false);
}

/** Log-softmax over the last axis, optionally masked. */
export function logSoftmax(x: Tensor, options: SoftmaxOptions = {}): Tensor {
  return run(x, options, true);
}
