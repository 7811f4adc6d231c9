import type { Random } from '../core/index.js';

/**
 * A shuffled epoch in batches of example indices. With `sizeOf`, examples are
 * shuffled, cut into pools of 64 batches, sorted by size within a pool,
 * batched, and the batches shuffled again: similar sizes share a batch (little
 * padding) while batch order and membership stay random.
 */
export function epochBatches(
  examples: number,
  batchSize: number,
  random: Random,
  sizeOf?: (example: number) => number,
): Int32Array[] {
  const order = random.shuffle(Array.from({ length: examples }, (_, i) => i));
  if (sizeOf !== undefined) {
    const pool = batchSize * 64;
    for (let start = 0; start < order.length; start += pool) {
      const sorted = order.slice(start, start + pool).sort((a, b) => sizeOf(a) - sizeOf(b) || a - b);
      order.splice(start, sorted.length, ...sorted);
    }
  }
  const batches: Int32Array[] = [];
  for (let start = 0; start < order.length; start += batchSize) {
    batches.push(Int32Array.from(order.slice(start, start + batchSize)));
  }
  return sizeOf !== undefined ? random.shuffle(batches) : batches;
}
