import type { Random } from '../core/index.js';
import { allocate, recycle } from './buffer-pool.js';
import { checkShape, formatShape, type Shape, sizeOf } from './shape.js';

export interface TensorOptions {
  requiresGrad?: boolean;
  name?: string;
}

/**
 * A dense row-major float32 tensor. `data` may be shared with other tensors
 * (reshape and leading-axis slices are views), so ops never write into their inputs.
 * `grad` is filled by `backward` for tensors that require it.
 */
export class Tensor {
  #data: Float32Array | null;
  readonly shape: Shape;
  readonly size: number;
  requiresGrad: boolean;
  grad: Float32Array | null = null;
  /** False for tensors produced by a recorded op; their gradient is freed after use. */
  isLeaf = true;
  /** True when `data` was allocated for this tensor alone (not a view), so it may be recycled. */
  ownsData = false;
  name: string;

  constructor(data: Float32Array, shape: Shape, options: TensorOptions = {}) {
    checkShape(shape, 'Tensor');
    const size = sizeOf(shape);
    if (data.length !== size) {
      throw new RangeError(
        `Tensor: data has ${data.length} values but shape ${formatShape(shape)} needs ${size}`,
      );
    }
    this.#data = data;
    this.shape = Object.freeze(shape.slice());
    this.size = size;
    this.requiresGrad = options.requiresGrad ?? false;
    this.name = options.name ?? '';
  }

  /** The values. Throws once the buffer has been released (see `release`). */
  get data(): Float32Array {
    const data = this.#data;
    if (data === null) {
      throw new RangeError(
        `${this} was released: backward() recycles the buffers of the graph it consumed; read values before backward, or pass { releaseActivations: false }`,
      );
    }
    return data;
  }

  set data(data: Float32Array) {
    this.#data = data;
  }

  get isReleased(): boolean {
    return this.#data === null;
  }

  /**
   * Hands an owned buffer back to the pool and makes this tensor unreadable;
   * returns false (and keeps the data) for views and small tensors.
   */
  release(): boolean {
    const data = this.#data;
    if (data === null || !this.ownsData || data.length < 1024) return false;
    this.#data = null;
    recycle(data);
    return true;
  }

  /** Makes this tensor unreadable without recycling (a view of a buffer that was released). */
  detachReleased(): void {
    this.#data = null;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1)
      throw new RangeError(`item() needs a one-element tensor, got ${formatShape(this.shape)}`);
    return this.data[0]!;
  }

  toArray(): number[] {
    return Array.from(this.data);
  }

  /** Drops the accumulated gradient (leaves) so the next backward starts from zero. */
  zeroGrad(): void {
    this.grad?.fill(0);
  }

  toString(): string {
    return `Tensor${formatShape(this.shape)}${this.name ? ` ${this.name}` : ''}`;
  }
}

/** Op outputs created inside each active `tidy` scope, innermost last. */
const scopes: Tensor[][] = [];

/** A fresh op output of the given shape from the buffer pool; every element must be written. */
export function output(shape: Shape): Tensor {
  const t = new Tensor(allocate(sizeOf(shape)), shape);
  t.ownsData = true;
  scopes[scopes.length - 1]?.push(t);
  return t;
}

type Kept =
  | Tensor
  | readonly Kept[]
  | { readonly [key: string]: Kept }
  | number
  | string
  | boolean
  | null
  | undefined;

/**
 * Runs fn and then recycles the buffers of every op output created inside it,
 * except the tensors it returns (directly, in arrays or in plain objects) and
 * anything sharing their storage, and tensors recorded on the gradient tape.
 * For inference loops (with noGrad): no allocation or GC per call once the pool
 * is warm. Reading a released intermediate afterwards throws.
 */
export function tidy<T extends Kept>(fn: () => T): T {
  const created: Tensor[] = [];
  scopes.push(created);
  let result: T;
  try {
    result = fn();
  } finally {
    scopes.pop();
  }
  const keep = new Set<ArrayBufferLike>();
  const visit = (value: Kept): void => {
    if (value instanceof Tensor) {
      if (!value.isReleased) keep.add(value.data.buffer);
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item);
    } else if (value !== null && typeof value === 'object') {
      for (const item of Object.values(value)) visit(item as Kept);
    }
  };
  visit(result);
  const outer = scopes[scopes.length - 1];
  const released: Tensor[] = [];
  for (const t of created) {
    if (t.isReleased) continue;
    // Recorded tensors belong to the tape until backward.
    if (!t.isLeaf || keep.has(t.data.buffer)) outer?.push(t);
    else released.push(t);
  }
  releaseAll(released);
  return result;
}

/**
 * Releases the buffers owned by these tensors and makes every one of them that
 * shares a recycled buffer (views, in-place outputs) unreadable too.
 */
export function releaseAll(tensors: readonly Tensor[], keep?: Tensor): void {
  const recycled = new Set<ArrayBufferLike>();
  const kept = keep === undefined || keep.isReleased ? null : keep.data.buffer;
  for (const t of tensors) {
    if (t.isReleased || !t.ownsData || t.data.buffer === kept) continue;
    const buffer = t.data.buffer;
    if (t.release()) recycled.add(buffer);
  }
  if (recycled.size === 0) return;
  for (const t of tensors) if (!t.isReleased && recycled.has(t.data.buffer)) t.detachReleased();
}

export function tensor(values: ArrayLike<number>, shape?: Shape, options: TensorOptions = {}): Tensor {
  const data = values instanceof Float32Array ? values : Float32Array.from(values);
  return new Tensor(data, shape ?? [data.length], options);
}

export function zeros(shape: Shape, options: TensorOptions = {}): Tensor {
  checkShape(shape, 'zeros');
  return new Tensor(new Float32Array(sizeOf(shape)), shape, options);
}

export function full(shape: Shape, value: number, options: TensorOptions = {}): Tensor {
  checkShape(shape, 'full');
  return new Tensor(new Float32Array(sizeOf(shape)).fill(value), shape, options);
}

export function ones(shape: Shape, options: TensorOptions = {}): Tensor {
  return full(shape, 1, options);
}

/** Normal samples from the given seeded source (mean 0, std 1 unless told). */
export function randn(
  shape: Shape,
  random: Random,
  options: TensorOptions & { mean?: number; std?: number } = {},
): Tensor {
  checkShape(shape, 'randn');
  const data = new Float32Array(sizeOf(shape));
  const mean = options.mean ?? 0;
  const std = options.std ?? 1;
  for (let i = 0; i < data.length; i++) data[i] = mean + std * random.normal();
  return new Tensor(data, shape, options);
}

/** Uniform samples in [low, high) (default [0, 1)). */
export function uniform(
  shape: Shape,
  random: Random,
  options: TensorOptions & { low?: number; high?: number } = {},
): Tensor {
  checkShape(shape, 'uniform');
  const data = new Float32Array(sizeOf(shape));
  const low = options.low ?? 0;
  const span = (options.high ?? 1) - low;
  for (let i = 0; i < data.length; i++) data[i] = low + span * random.next();
  return new Tensor(data, shape, options);
}

/** A trainable leaf: a tensor that requires a gradient. */
export function parameter(source: Tensor, name = source.name): Tensor {
  return new Tensor(source.data, source.shape, { requiresGrad: true, name });
}
