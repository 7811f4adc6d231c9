/**
 * Keys and values of the positions decoded so far, for one attention layer:
 * [B, maxLength, C] each, filled left to right. Step-by-step decoding then costs
 * one new row per step instead of re-running the whole prefix.
 */
export class KVCache {
  readonly batch: number;
  readonly maxLength: number;
  readonly width: number;
  readonly keys: Float32Array; // [B, maxLength, C]
  readonly values: Float32Array; // [B, maxLength, C]
  length = 0;

  constructor(batch: number, maxLength: number, width: number) {
    this.batch = batch;
    this.maxLength = maxLength;
    this.width = width;
    this.keys = new Float32Array(batch * maxLength * width);
    this.values = new Float32Array(batch * maxLength * width);
  }

  /**
   * Appends `steps` positions read from a packed qkv buffer [B, steps, 3C]
   * (k at offset C, v at 2C of each row).
   */
  appendPacked(qkv: Float32Array, steps: number): void {
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
   * The buffers `reorder` writes into next, swapped with the current ones: a
   * beam search allocates two of each instead of two per step (each step's
   * arrays were garbage that forced full collections: docs/generative.md).
   */
  #spareKeys: Float32Array = new Float32Array(0);
  #spareValues: Float32Array = new Float32Array(0);

  constructor(context: KVCache, maxOwn: number) {
    if (context.batch !== 1)
      throw new RangeError(`BeamKVCache: the context cache must have batch 1, got ${context.batch}`);
    this.context = context;
    this.maxOwn = maxOwn;
    this.width = context.width;
    this.keys = new Float32Array(maxOwn * this.width);
    this.values = new Float32Array(maxOwn * this.width);
  }

  /** Beam i continues beam parents[i] (repeats allowed): its own positions are copied, the context is not. */
  reorder(parents: Int32Array): void {
    const row = this.maxOwn * this.width;
    const used = this.length * this.width;
    const size = parents.length * row;
    if (this.#spareKeys.buffer.byteLength < size * 4) {
      this.#spareKeys = new Float32Array(size);
      this.#spareValues = new Float32Array(size);
    }
    // Views of exactly [beams, maxOwn, C]; a row's positions past `length` are never read.
    const keys = new Float32Array(this.#spareKeys.buffer, 0, size);
    const values = new Float32Array(this.#spareValues.buffer, 0, size);
    parents.forEach((parent, beam) => {
      if (!(parent >= 0 && parent < this.beams))
        throw new RangeError(
          `BeamKVCache.reorder: parent ${parent} of beam ${beam} is not one of ${this.beams} beams`,
        );
      keys.set(this.keys.subarray(parent * row, parent * row + used), beam * row);
      values.set(this.values.subarray(parent * row, parent * row + used), beam * row);
    });
    this.#spareKeys = this.keys;
    this.#spareValues = this.values;
    this.keys = keys;
    this.values = values;
    this.beams = parents.length;
  }

  /** Appends one position per beam read from a packed qkv buffer [beams, 1, 3C]. */
  appendPacked(qkv: Float32Array): void {
    if (this.length + 1 > this.maxOwn)
      throw new RangeError(`BeamKVCache: ${this.length} + 1 own positions exceed maxOwn ${this.maxOwn}`);
    const c = this.width;
    for (let beam = 0; beam < this.beams; beam++) {
      const src = beam * 3 * c;
      const dst = (beam * this.maxOwn + this.length) * c;
      this.keys.set(qkv.subarray(src + c, src + 2 * c), dst);
      this.values.set(qkv.subarray(src + 2 * c, src + 3 * c), dst);
    }
    this.length++;
  }
}
