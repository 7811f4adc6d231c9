import { kernels } from '../backend/select.js';
import { opEnd, opStart } from '../profiler.js';
import { normalizeAxis, splitAtAxis } from '../shape.js';
import { gradOf, needsGrad, record } from '../tape.js';
import { output, type Tensor } from '../tensor.js';
import { reshape } from './view.js';

export interface ReduceOptions {
  /** Keep reduced axes with length 1. Default false. */
  keepDims?: boolean;
}

type Reduction = 'sum' | 'mean' | 'max';

function reduceAxis(x: Tensor, axis: number, kind: Reduction, keepDims: boolean): Tensor {
  const t0 = opStart();
  const [outer, length, inner] = splitAtAxis(x.shape, axis);
  if (kind === 'max' && length === 0) throw new RangeError(`max: axis ${axis} of ${x} is empty`);
  const shape = keepDims ? x.shape.map((d, i) => (i === axis ? 1 : d)) : x.shape.filter((_, i) => i !== axis);
  const out = output(shape);
  const src = x.data;
  const dst = out.data;
  // Index of the max per output element (first occurrence), for the backward.
  const argmax = kind === 'max' ? new Int32Array(outer * inner) : null;
  if (argmax !== null) {
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * length * inner + i;
        let best = src[base]!;
        let bestAt = 0;
        for (let l = 1; l < length; l++) {
          const v = src[base + l * inner]!;
          if (v > best) {
            best = v;
            bestAt = l;
          }
        }
        dst[o * inner + i] = best;
        argmax[o * inner + i] = bestAt;
      }
    }
  } else {
    kernels().sumAxis(src, dst, outer, length, inner, kind === 'mean' ? 1 / length : 1);
  }
  if (needsGrad(x)) {
    record(kind, out, (g) => {
      const dx = gradOf(x);
      const scale = kind === 'mean' ? 1 / length : 1;
      if (argmax !== null) {
        for (let o = 0; o < outer; o++) {
          for (let i = 0; i < inner; i++)
            dx[(o * length + argmax[o * inner + i]!) * inner + i]! += g[o * inner + i]!;
        }
      } else {
        kernels().sumAxisBackward(g, dx, outer, length, inner, scale);
      }
    });
  }
  opEnd(kind, t0);
  return out;
}

function reduce(
  x: Tensor,
  axes: number | readonly number[] | undefined,
  kind: Reduction,
  options: ReduceOptions,
): Tensor {
  const keepDims = options.keepDims ?? false;
  if (axes === undefined) {
    const flat = reduceAxis(reshape(x, [x.size]), 0, kind, false); // []
    return keepDims
      ? reshape(
          flat,
          x.shape.map(() => 1),
        )
      : flat;
  }
  const list = (typeof axes === 'number' ? [axes] : [...axes]).map((a) => normalizeAxis(a, x.ndim, kind));
  if (new Set(list).size !== list.length)
    throw new RangeError(`${kind}: repeated axis in [${list.join(', ')}]`);
  // Highest axis first so the remaining axis numbers stay valid.
  list.sort((a, b) => b - a);
  let out = x;
  for (const axis of list) out = reduceAxis(out, axis, kind, keepDims);
  return out;
}

/** Sum over the given axes (all when omitted). */
export function sum(x: Tensor, axes?: number | readonly number[], options: ReduceOptions = {}): Tensor {
  return reduce(x, axes, 'sum', options);
}

/** Mean over the given axes (all when omitted). */
export function mean(x: Tensor, axes?: number | readonly number[], options: ReduceOptions = {}): Tensor {
  return reduce(x, axes, 'mean', options);
}

/** Maximum over the given axes (all when omitted); the gradient goes to the first maximum. */
export function max(x: Tensor, axes?: number | readonly number[], options: ReduceOptions = {}): Tensor {
  return reduce(x, axes, 'max', options);
}
