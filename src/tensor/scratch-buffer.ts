import { allocate, recycle } from './buffer-pool.js';

/**
 * One reused Float32Array, drawn from the buffer pool: `take(n)` hands out n
 * floats of it (growing it when too small) and `release()` gives it back. For
 * the per-step outputs of decoding (logits, beam caches), which would
 * otherwise be fresh arrays at every step of every request and, at serving
 * rates, the garbage behind full collections (docs/generative.md, "Beam-search
 * allocations"). The owner must be the only user: what `take` returned is dead
 * after the next `take` or `release`.
 */
export class ScratchBuffer {
  #buffer: Float32Array | null = null;

  /** n floats with arbitrary contents (a view of the buffer); the previous view is dead. */
  take(n: number): Float32Array {
    let buffer = this.#buffer;
    if (buffer === null || buffer.length < n) {
      if (buffer !== null) recycle(buffer);
      buffer = allocate(n);
      this.#buffer = buffer;
    }
    return buffer.length === n ? buffer : buffer.subarray(0, n);
  }

  /** Gives the buffer back to the pool; a later `take` draws a new one. */
  release(): void {
    if (this.#buffer !== null) recycle(this.#buffer);
    this.#buffer = null;
  }
}
