import { allocateZeroed, recycle } from './buffer-pool.js';
import { backwardEnd, isProfiling } from './profiler.js';
import { formatShape } from './shape.js';
import { releaseAll, type Tensor } from './tensor.js';

/**
 * The gradient tape: ops append (output, backward closure) in execution order, so
 * walking it in reverse is a topological order. `backward` frees each closure (and
 * with it the activations it saved) and each intermediate gradient as soon as they
 * have been used; leaves keep their gradients, which accumulate across calls
 * (gradient accumulation) until zeroed.
 */
interface TapeEntry {
  op: string;
  output: Tensor;
  backward: ((gradOutput: Float32Array) => void) | null;
}

let entries: TapeEntry[] = [];
let gradEnabled = true;
/** The output gradient a backward closure handed to an input without copying (see adoptGrad). */
const adopted: Float32Array[] = [];

/** True when an op on these inputs must be recorded. */
export function needsGrad(a: Tensor, b?: Tensor | null, c?: Tensor | null): boolean {
  return gradEnabled && (a.requiresGrad || (b?.requiresGrad ?? false) || (c?.requiresGrad ?? false));
}

export function record(op: string, output: Tensor, backward: (gradOutput: Float32Array) => void): void {
  output.requiresGrad = true;
  output.isLeaf = false;
  entries.push({ op, output, backward });
}

/** The gradient buffer of `t`, allocated (zeroed) on first use. */
export function gradOf(t: Tensor): Float32Array {
  let grad = t.grad;
  if (grad === null) {
    grad = allocateZeroed(t.size);
    t.grad = grad;
  }
  return grad;
}

/**
 * Makes `grad` (a dead output gradient, or a temporary) t's gradient without a
 * copy; the tape then does not recycle it.
 */
export function adoptGrad(t: Tensor, grad: Float32Array): void {
  t.grad = grad;
  adopted.push(grad);
}

/** Recycles a temporary unless a closure adopted it. */
export function recycleUnlessAdopted(buffer: Float32Array): void {
  if (!adopted.includes(buffer)) recycle(buffer);
}

/** Runs `fn` without recording (inference, evaluation, optimizer updates). */
export function noGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Number of recorded ops waiting for `backward` (a leak check for tests). */
export function tapeLength(): number {
  return entries.length;
}

/** Drops everything recorded so far (e.g. after a forward pass whose loss is not needed). */
export function clearTape(): void {
  for (const e of entries) {
    e.backward = null;
    if (!e.output.isLeaf) e.output.grad = null;
  }
  entries = [];
}

export interface BackwardOptions {
  /**
   * Recycle the buffers of every tensor the recorded ops produced once the
   * gradients are computed (default true); reading such a tensor afterwards throws.
   * Read the values you need (a scalar loss stays readable) before backward, or
   * pass false.
   */
  releaseActivations?: boolean;
}

/**
 * Back-propagates from `loss` (a scalar unless `gradOutput` is given) and clears the tape.
 * Ops recorded but not reaching `loss` are dropped too, as PyTorch does without retain_graph.
 */
export function backward(loss: Tensor, gradOutput?: Float32Array, options: BackwardOptions = {}): void {
  if (!loss.requiresGrad)
    throw new RangeError('backward: the loss does not depend on any tensor that requires grad');
  if (gradOutput === undefined && loss.size !== 1) {
    throw new RangeError(`backward: loss must be a scalar, got ${formatShape(loss.shape)}; pass gradOutput`);
  }
  if (gradOutput !== undefined && gradOutput.length !== loss.size) {
    throw new RangeError(`backward: gradOutput has ${gradOutput.length} values, loss has ${loss.size}`);
  }
  const seed = gradOf(loss);
  if (gradOutput === undefined) seed[0]! += 1;
  else for (let i = 0; i < seed.length; i++) seed[i]! += gradOutput[i]!;

  const list = entries;
  entries = [];
  const outputs = list.map((e) => e.output);
  const profiling = isProfiling();
  for (let i = list.length - 1; i >= 0; i--) {
    const e = list[i]!;
    const grad = e.output.grad;
    const fn = e.backward;
    e.backward = null;
    list[i] = undefined as unknown as TapeEntry;
    if (grad === null || fn === null) continue;
    adopted.length = 0;
    if (profiling) {
      const start = performance.now();
      fn(grad);
      backwardEnd(e.op, start);
    } else {
      fn(grad);
    }
    // An intermediate gradient is dead once its producer has consumed it.
    e.output.grad = null;
    if (!adopted.includes(grad)) recycle(grad);
  }
  adopted.length = 0;
  // The loss (and anything sharing its storage) stays readable.
  if (options.releaseActivations ?? true) releaseAll(outputs, loss);
}
