import { allocateZeroed, recycle } from '../buffer-pool.js';
import { ScratchBuffer } from '../scratch-buffer.js';

/**
 * Keys and values of the positions decoded so far, for one attention layer:
 * [B, maxLength, C] each, filled left to right. Step-by-step decoding then costs
 * one new row per step instead of re-running the whole prefix. The arrays come
 * from the buffer pool; `release` gives them back once the cache is done.
 */
export class KVCache {
  readonly batch: number;
  readonly maxLength: number;
  readonly width: number;
  readonly keys: Float32Array; // [B, maxLength, C]
  readonly values: Float32Array; // [B, maxLength, C]
  length = 0;
  #released = false;

  constructor(batch: number, maxLength: number, width: number) {
    this.batch = batch;
    this.maxLength = maxLength;
    this.width = width;
    this.keys = allocateZeroed(batch * maxLength * width);
    this.values = allocateZeroed(batch * maxLength * width);
  }

  /**
   * Appends `steps` positions read from a packed qkv buffer [B, steps, 3C]
   * (k at offset C, v at 2C of each row).
   */
  appendPacked(qkv: Float32Array, steps: number): void {
    if (this.#released) throw new RangeError('KVCache: appendPacked after release');
    if (this.length + steps > this.maxLength) {
      throw new RangeError(`KVCache: ${this.length} + ${steps} positions exceed maxLength ${this.maxLength}`);
    }
    const c = this.width;
    for (let b = 0; b < this.batch; b++) {
      for (let t = 0; t < steps; t++) {
        const src = (b * steps + t) * 3 * c;
        const dst = (b * this.maxLength + this.length + t) * c;
        this.keys.set(qkv.subarray(src + c, src + 2 * c), dst);
        this.values.set(qkv.subarray(src + 2 * c, src + 3 * c), dst);
      }
    }
    this.length += steps;
  }

  reset(): void {
    this.length = 0;
  }

  /** Gives the arrays back to the buffer pool; the cache (and every BeamKVCache over it) is dead. */
  release(): void {
    // Twice would hand the pool arrays it may already have lent to someone else.
    if (this.#released) return;
    this.#released = true;
    recycle(this.keys);
    recycle(this.values);
    this.length = 0;
  }
}

/**
 * The cache of beam search over one context: the context's keys and values
 * once (`context`, a prefilled batch-1 KVCache) and each beam's own positions
 * since ([beams, maxOwn, C]). Every beam attends to the same context rows, so
 * they are stored and read once for all beams (one GEMM with a row per beam),
 * and reordering beams after a step copies only their few own positions.
 */
export class BeamKVCache {
  readonly context: KVCache;
  readonly maxOwn: number;
  readonly width: number;
  beams = 1;
  /** Positions each beam has appended since the context. */
  length = 0;
  keys: Float32Array; // [beams, maxOwn, C]
  values: Float32Array; // [beams, maxOwn, C]
  /**
   * Two buffers of each, from the buffer pool: `reorder` writes into the spare
   * pair and swaps, so a beam search takes two of each from the pool instead of
   * allocating two per step (each step's arrays were garbage that forced full
   * collections: docs/generative.md, "Beam-search allocations").
   */
  #current = { keys: new ScratchBuffer(), values: new ScratchBuffer() };
  #spare = { keys: new ScratchBuffer(), values: new ScratchBuffer() };
  #released = false;

  constructor(context: KVCache, maxOwn: number) {
    if (context.batch !== 1)
      throw new RangeError(`BeamKVCache: the context cache must have batch 1, got ${context.batch}`);
    this.context = context;
    this.maxOwn = maxOwn;
    this.width = context.width;
    this.keys = this.#current.keys.take(maxOwn * this.width);
    this.values = this.#current.values.take(maxOwn * this.width);
  }

  /** Beam i continues beam parents[i] (repeats allowed): its own positions are copied, the context is not. */
  reorder(parents: Int32Array): void {
    if (this.#released) throw new RangeError('BeamKVCache: reorder after release');
    const row = this.maxOwn * this.width;
    const used = this.length * this.width;
    // Exactly [beams, maxOwn, C]; a row's positions past `length` are never read.
    const keys = this.#spare.keys.take(parents.length * row);
    const values = this.#spare.values.take(parents.length * row);
    for (let beam = 0; beam < parents.length; beam++) {
      const parent = parents[beam]!;
      if (!(parent >= 0 && parent < this.beams))
        throw new RangeError(
          `BeamKVCache.reorder: parent ${parent} of beam ${beam} is not one of ${this.beams} beams`,
        );
      // Copied element by element: a subarray view per beam was most of a request's garbage.
      const from = parent * row;
      const to = beam * row;
      for (let j = 0; j < used; j++) {
        keys[to + j] = this.keys[from + j]!;
        values[to + j] = this.values[from + j]!;
      }
    }
    [this.#current, this.#spare] = [this.#spare, this.#current];
    this.keys = keys;
    this.values = values;
    this.beams = parents.length;
  }

  /** Appends one position per beam read from a packed qkv buffer [beams, 1, 3C]. */
  appendPacked(qkv: Float32Array): void {
    if (this.#released) throw new RangeError('BeamKVCache: appendPacked after release');
    if (this.length + 1 > this.maxOwn)
      throw new RangeError(`BeamKVCache: ${this.length} + 1 own positions exceed maxOwn ${this.maxOwn}`);
    const c = this.width;
    for (let beam = 0; beam < this.beams; beam++) {
      const src = beam * 3 * c;
      const dst = (beam * this.maxOwn + this.length) * c;
      for (let j = 0; j < c; j++) {
        this.keys[dst + j] = qkv[src + c + j]!;
        this.values[dst + j] = qkv[src + 2 * c + j]!;
      }
    }
    this.length++;
  }

  /** Gives the beams' buffers back to the pool (not the context's); the cache is dead. */
  release(): void {
    this.#released = true;
    for (const buffer of [this.#current, this.#spare]) {
      buffer.keys.release();
      buffer.values.release();
    }
  }
}
