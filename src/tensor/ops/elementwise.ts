import { kernels } from '../backend/select.js';
import { allocate } from '../buffer-pool.js';
import { opEnd, opStart } from '../profiler.js';
import { broadcastShapes, sizeOf } from '../shape.js';
import { gradOf, needsGrad, record, recycleUnlessAdopted } from '../tape.js';
import { output, type Tensor, tensor } from '../tensor.js';
import { type BroadcastPlan, planBroadcast, reduceInto } from './broadcast.js';
import { accumulateGrad } from './grad.js';

type Operand = Tensor | number;

function asTensor(value: Operand): Tensor {
  return typeof value === 'number' ? tensor([value], []) : value;
}

function read(data: Float32Array, plan: BroadcastPlan, i: number): number {
  return plan.kind === 'period' ? data[i % plan.period]! : data[plan.map[i]!]!;
}

/** Fills out[i] = f(a[.], b[.]) with broadcasting; the common same-shape case runs a flat loop. */
function forward(
  a: Tensor,
  b: Tensor,
  pa: BroadcastPlan,
  pb: BroadcastPlan,
  out: Float32Array,
  kind: 0 | 1 | 2 | 3,
): void {
  const ad = a.data;
  const bd = b.data;
  const n = out.length;
  if (pa.kind === 'period' && pa.period === n && pb.kind === 'period' && pb.period > 0) {
    kernels().binary(kind, ad, bd, out, pb.period);
    return;
  }
  for (let i = 0; i < n; i++) {
    const x = read(ad, pa, i);
    const y = read(bd, pb, i);
    out[i] = kind === 0 ? x + y : kind === 1 ? x - y : kind === 2 ? x * y : x / y;
  }
}

const names = ['add', 'sub', 'mul', 'div'] as const;

function binary(aIn: Operand, bIn: Operand, kind: 0 | 1 | 2 | 3): Tensor {
  const t0 = opStart();
  const a = asTensor(aIn);
  const b = asTensor(bIn);
  const op = names[kind];
  const shape = broadcastShapes(a.shape, b.shape, op);
  const size = sizeOf(shape);
  const pa = planBroadcast(shape, a.shape);
  const pb = planBroadcast(shape, b.shape);
  const out = output(shape);
  forward(a, b, pa, pb, out.data, kind);
  if (needsGrad(a, b)) {
    record(op, out, (g) => {
      const sameA = pa.kind === 'period' && pa.period === size;
      const sameB = pb.kind === 'period' && pb.period === size;
      if (a.requiresGrad) {
        if (kind <= 1) {
          if (sameA) accumulateGrad(a, g, true);
          else reduceInto(g, pa, gradOf(a));
        } else {
          const d = allocate(size);
          for (let i = 0; i < size; i++) {
            const y = read(b.data, pb, i);
            d[i] = kind === 2 ? g[i]! * y : g[i]! / y;
          }
          if (sameA) accumulateGrad(a, d, true);
          else reduceInto(d, pa, gradOf(a));
          recycleUnlessAdopted(d);
        }
      }
      if (b.requiresGrad) {
        if (kind === 0) {
          if (sameB) accumulateGrad(b, g, !(a.requiresGrad && sameA));
          else reduceInto(g, pb, gradOf(b));
        } else {
          const d = allocate(size);
          for (let i = 0; i < size; i++) {
            const x = read(a.data, pa, i);
            if (kind === 1) d[i] = -g[i]!;
            else if (kind === 2) d[i] = g[i]! * x;
            else {
              const y = read(b.data, pb, i);
              d[i] = (-g[i]! * x) / (y * y);
            }
          }
          if (sameB) accumulateGrad(b, d, true);
          else reduceInto(d, pb, gradOf(b));
          recycleUnlessAdopted(d);
        }
      }
    });
  }
  opEnd(op, t0);
  return out;
}

/** a + b with NumPy broadcasting. */
export function add(a: Operand, b: Operand): Tensor {
  return binary(a, b, 0);
}

/** a - b with NumPy broadcasting. */
export function sub(a: Operand, b: Operand): Tensor {
  return binary(a, b, 1);
}

/** a * b with NumPy broadcasting. */
export function mul(a: Operand, b: Operand): Tensor {
  return binary(a, b, 2);
}

/** a / b with NumPy broadcasting. */
export function div(a: Operand, b: Operand): Tensor {
  return binary(a, b, 3);
}
