import { opEnd, opStart } from '../profiler.js';
import { formatShape, normalizeAxis, type Shape, sizeOf, splitAtAxis } from '../shape.js';
import { gradOf, needsGrad, record } from '../tape.js';
import { output, Tensor } from '../tensor.js';
import { accumulateGrad } from './grad.js';

/** Same data, new shape (one axis may be -1). A view: no copy. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const inferred = shape.indexOf(-1);
  let resolved = [...shape];
  if (inferred >= 0) {
    const known = sizeOf(shape.filter((_, i) => i !== inferred));
    if (known === 0 || x.size % known !== 0) {
      throw new RangeError(`reshape: cannot reshape ${formatShape(x.shape)} to ${formatShape(shape)}`);
    }
    resolved = shape.map((d, i) => (i === inferred ? x.size / known : d));
  }
  if (sizeOf(resolved) !== x.size) {
    throw new RangeError(`reshape: cannot reshape ${formatShape(x.shape)} to ${formatShape(shape)}`);
  }
  const out = new Tensor(x.data, resolved);
  if (needsGrad(x)) record('reshape', out, (g) => accumulateGrad(x, g, true));
  return out;
}

/** Swaps two axes (a copy: kernels want contiguous rows). */
export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  const t0 = opStart();
  const a0 = normalizeAxis(axis0, x.ndim, 'transpose');
  const a1 = normalizeAxis(axis1, x.ndim, 'transpose');
  const [lo, hi] = a0 < a1 ? [a0, a1] : [a1, a0];
  const shape = [...x.shape];
  shape[lo] = x.shape[hi]!;
  shape[hi] = x.shape[lo]!;
  const out = output(shape);
  if (lo === hi) {
    out.data.set(x.data);
  } else {
    // View x as [outer, P, mid, Q, inner] and write [outer, Q, mid, P, inner].
    const outer = sizeOf(x.shape.slice(0, lo));
    const p = x.shape[lo]!;
    const mid = sizeOf(x.shape.slice(lo + 1, hi));
    const q = x.shape[hi]!;
    const inner = sizeOf(x.shape.slice(hi + 1));
    permute5(x.data, out.data, outer, p, mid, q, inner, false);
    if (needsGrad(x)) {
      record('transpose', out, (g) => permute5(g, gradOf(x), outer, q, mid, p, inner, true));
    }
  }
  if (lo === hi && needsGrad(x)) record('transpose', out, (g) => accumulateGrad(x, g, true));
  opEnd('transpose', t0);
  return out;
}

function permute5(
  src: Float32Array,
  dst: Float32Array,
  outer: number,
  p: number,
  mid: number,
  q: number,
  inner: number,
  accumulate: boolean,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < p; i++) {
      for (let m = 0; m < mid; m++) {
        for (let j = 0; j < q; j++) {
          const s = ((((o * p + i) * mid + m) * q + j) * inner) | 0;
          const d = ((((o * q + j) * mid + m) * p + i) * inner) | 0;
          if (accumulate) for (let e = 0; e < inner; e++) dst[d + e]! += src[s + e]!;
          else for (let e = 0; e < inner; e++) dst[d + e] = src[s + e]!;
        }
      }
    }
  }
}

/**
 * Elements start..end-1 along `axis`. Along the first axis this is a view (no
 * copy); otherwise the rows are copied.
 */
export function slice(x: Tensor, axis: number, start: number, end: number): Tensor {
  const t0 = opStart();
  const ax = normalizeAxis(axis, x.ndim, 'slice');
  const length = x.shape[ax]!;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > length || start > end) {
    throw new RangeError(`slice: range [${start}, ${end}) is outside axis ${ax} of ${formatShape(x.shape)}`);
  }
  const shape = [...x.shape];
  shape[ax] = end - start;
  const [outer, , inner] = splitAtAxis(x.shape, ax);
  const width = (end - start) * inner;
  let out: Tensor;
  if (outer === 1) {
    out = new Tensor(x.data.subarray(start * inner, end * inner), shape);
  } else {
    out = output(shape);
    for (let o = 0; o < outer; o++) {
      const from = (o * length + start) * inner;
      out.data.set(x.data.subarray(from, from + width), o * width);
    }
  }
  if (needsGrad(x)) {
    record('slice', out, (g) => {
      const dx = gradOf(x);
      for (let o = 0; o < outer; o++) {
        const to = (o * length + start) * inner;
        for (let e = 0; e < width; e++) dx[to + e]! += g[o * width + e]!;
      }
    });
  }
  opEnd('slice', t0);
  return out;
}
