import { type Shape, sameShape, sizeOf, stridesOf } from '../shape.js';

/**
 * How an input of `inShape` is read while walking an output of `outShape`:
 * element i of the output reads input element `i % period` (same shape, scalars,
 * trailing-axis broadcasts such as a bias or a positional table), or `map[i]` in
 * the general case.
 */
export type BroadcastPlan = { kind: 'period'; period: number } | { kind: 'map'; map: Int32Array };

export function planBroadcast(outShape: Shape, inShape: Shape): BroadcastPlan {
  const inSize = sizeOf(inShape);
  if (sameShape(outShape, inShape) || inSize === 1) return { kind: 'period', period: inSize };
  // Trailing: inShape (minus leading 1s) equals the last axes of outShape.
  let first = 0;
  while (first < inShape.length && inShape[first] === 1) first++;
  const tail = inShape.slice(first);
  if (tail.length <= outShape.length && sameShape(outShape.slice(outShape.length - tail.length), tail)) {
    return { kind: 'period', period: inSize };
  }
  const ndim = outShape.length;
  const inStrides = stridesOf(inShape);
  const strides = new Array<number>(ndim).fill(0);
  for (let d = 0; d < inShape.length; d++) {
    const outAxis = ndim - inShape.length + d;
    strides[outAxis] = inShape[d] === 1 ? 0 : inStrides[d]!;
  }
  const size = sizeOf(outShape);
  const map = new Int32Array(size);
  const coord = new Array<number>(ndim).fill(0);
  let index = 0;
  for (let i = 0; i < size; i++) {
    map[i] = index;
    for (let d = ndim - 1; d >= 0; d--) {
      coord[d]!++;
      index += strides[d]!;
      if (coord[d]! < outShape[d]!) break;
      index -= strides[d]! * coord[d]!;
      coord[d] = 0;
    }
  }
  return { kind: 'map', map };
}

/** Sums an output-shaped gradient back to the input's shape (into `target`, accumulating). */
export function reduceInto(grad: Float32Array, plan: BroadcastPlan, target: Float32Array): void {
  if (plan.kind === 'period') {
    const period = plan.period;
    for (let start = 0; start < grad.length; start += period) {
      for (let j = 0; j < period; j++) target[j]! += grad[start + j]!;
    }
  } else {
    const map = plan.map;
    for (let i = 0; i < grad.length; i++) target[map[i]!]! += grad[i]!;
  }
}
