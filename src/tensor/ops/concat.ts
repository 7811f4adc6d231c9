import { opEnd, opStart } from '../profiler.js';
import { formatShape, normalizeAxis, splitAtAxis } from '../shape.js';
import { gradOf, isGradEnabled, record } from '../tape.js';
import { output, type Tensor } from '../tensor.js';
import { slice } from './view.js';

/** Joins tensors along `axis`; all other axes must match. */
export function concat(parts: readonly Tensor[], axis = 0): Tensor {
  const t0 = opStart();
  const first = parts[0];
  if (first === undefined) throw new RangeError('concat: needs at least one tensor');
  const ax = normalizeAxis(axis, first.ndim, 'concat');
  let total = 0;
  for (const part of parts) {
    const ok = part.ndim === first.ndim && part.shape.every((d, i) => i === ax || d === first.shape[i]);
    if (!ok) {
      throw new RangeError(
        `concat: ${formatShape(part.shape)} does not match ${formatShape(first.shape)} off axis ${ax}`,
      );
    }
    total += part.shape[ax]!;
  }
  const shape = [...first.shape];
  shape[ax] = total;
  const [outer, , inner] = splitAtAxis(shape, ax);
  const out = output(shape);
  const rowWidth = total * inner;
  let offset = 0;
  const offsets: number[] = [];
  for (const part of parts) {
    const width = part.shape[ax]! * inner;
    offsets.push(offset);
    for (let o = 0; o < outer; o++) {
      out.data.set(part.data.subarray(o * width, (o + 1) * width), o * rowWidth + offset);
    }
    offset += width;
  }
  if (isGradEnabled() && parts.some((p) => p.requiresGrad)) {
    record('concat', out, (g) => {
      parts.forEach((part, index) => {
        if (!part.requiresGrad) return;
        const width = part.shape[ax]! * inner;
        const dx = gradOf(part);
        const from = offsets[index]!;
        for (let o = 0; o < outer; o++) {
          const src = o * rowWidth + from;
          const dst = o * width;
          for (let e = 0; e < width; e++) dx[dst + e]! += g[src + e]!;
        }
      });
    });
  }
  opEnd('concat', t0);
  return out;
}

/** Splits along `axis` into pieces of the given sizes (or `sizes` equal pieces). */
export function split(x: Tensor, sizes: number | readonly number[], axis = 0): Tensor[] {
  const ax = normalizeAxis(axis, x.ndim, 'split');
  const length = x.shape[ax]!;
  let list: number[];
  if (typeof sizes === 'number') {
    if (sizes <= 0 || length % sizes !== 0) {
      throw new RangeError(
        `split: axis ${ax} of ${formatShape(x.shape)} does not split into ${sizes} equal parts`,
      );
    }
    list = new Array<number>(sizes).fill(length / sizes);
  } else {
    list = [...sizes];
    if (list.reduce((a, b) => a + b, 0) !== length) {
      throw new RangeError(
        `split: sizes [${list.join(', ')}] do not add up to axis ${ax} of ${formatShape(x.shape)}`,
      );
    }
  }
  const out: Tensor[] = [];
  let start = 0;
  for (const size of list) {
    out.push(slice(x, ax, start, start + size));
    start += size;
  }
  return out;
}
