/**
 * Recycled Float32Array buffers. A training step allocates the same large
 * activation and gradient buffers every time; a fresh 1.6 MB typed array costs
 * ~1.4 ms to allocate and first touch here (page faults, external-memory GCs),
 * a recycled one nothing. The tape recycles intermediate gradients as soon as
 * they are consumed and, after backward, the activations it produced. Small
 * arrays are cheaper to allocate than to track and are not pooled.
 */
const MIN_POOLED = 1024;

const free = new Map<number, Float32Array[]>();
const pooled = new WeakSet<Float32Array>();
let pooledBytes = 0;
/** The pool's default cap, 1 GiB. */
export const DEFAULT_POOL_BYTES = 1024 * 2 ** 20;
let limitBytes = DEFAULT_POOL_BYTES;

/** A buffer of n floats with arbitrary contents (for outputs that are fully overwritten). */
export function allocate(n: number): Float32Array {
  if (n >= MIN_POOLED) {
    const buffer = free.get(n)?.pop();
    if (buffer !== undefined) {
      pooled.delete(buffer);
      pooledBytes -= buffer.byteLength;
      return buffer;
    }
  }
  return new Float32Array(n);
}

/** A zero-filled buffer of n floats. */
export function allocateZeroed(n: number): Float32Array {
  if (n >= MIN_POOLED) {
    const buffer = free.get(n)?.pop();
    if (buffer !== undefined) {
      pooled.delete(buffer);
      pooledBytes -= buffer.byteLength;
      return buffer.fill(0);
    }
  }
  return new Float32Array(n);
}

/**
 * Gives a buffer back. Only whole buffers are kept (never subarray views); the
 * caller guarantees nothing reads or writes it afterwards.
 */
export function recycle(buffer: Float32Array): void {
  const bytes = buffer.byteLength;
  if (buffer.length < MIN_POOLED || buffer.byteOffset !== 0 || bytes !== buffer.buffer.byteLength) return;
  if (pooled.has(buffer) || pooledBytes + bytes > limitBytes) return;
  pooled.add(buffer);
  pooledBytes += bytes;
  let list = free.get(buffer.length);
  if (list === undefined) {
    list = [];
    free.set(buffer.length, list);
  }
  list.push(buffer);
}

/** Bytes currently held for reuse. */
export function pooledByteCount(): number {
  return pooledBytes;
}

/** Caps the pool (default 1 GiB) and drops everything it holds. */
export function resetPool(maxBytes = limitBytes): void {
  free.clear();
  pooledBytes = 0;
  limitBytes = maxBytes;
}
