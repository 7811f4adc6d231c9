import { SparseMatrix } from '../linalg/sparse-matrix.js';

/**
 * Symmetric item-item co-occurrence counts [numItems, numItems] within `window`
 * positions of each training sequence, a pair at distance d counting 1 / d (as
 * GloVe: near neighbours in a session say more). Self-pairs (repeats) are skipped.
 */
export function cooccurrenceMatrix(
  sequences: readonly Int32Array[],
  numItems: number,
  window: number,
): SparseMatrix {
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`window must be >= 1, got ${window}`);
  let pairs = 0;
  for (const sequence of sequences) {
    for (let d = 1; d <= window && d < sequence.length; d++) pairs += 2 * (sequence.length - d);
  }
  const row = new Int32Array(pairs);
  const col = new Int32Array(pairs);
  const value = new Float32Array(pairs);
  let length = 0;
  for (const sequence of sequences) {
    for (let i = 0; i < sequence.length; i++) {
      const a = sequence[i]!;
      if (a < 0 || a >= numItems) throw new RangeError(`item index ${a} out of range [0, ${numItems})`);
      for (let d = 1; d <= window && i + d < sequence.length; d++) {
        const b = sequence[i + d]!;
        if (a === b) continue;
        row[length] = a;
        col[length] = b;
        value[length++] = 1 / d;
        row[length] = b;
        col[length] = a;
        value[length++] = 1 / d;
      }
    }
  }
  return SparseMatrix.fromTriplets({ rows: numItems, cols: numItems }, { row, col, value, length });
}
