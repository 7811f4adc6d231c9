import { DEFAULT_POOL_BYTES, resetPool } from '../buffer-pool.js';

/**
 * Runs `fn` with the buffer pool off: every buffer is a fresh zero-filled
 * array and nothing given back is kept (the reference a pooled path must
 * match bit for bit). The pool is emptied and back at its default cap afterwards.
 */
export function withoutPool<T>(fn: () => T): T {
  resetPool(0);
  try {
    return fn();
  } finally {
    resetPool(DEFAULT_POOL_BYTES);
  }
}
