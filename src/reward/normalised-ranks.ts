import { numHeads } from './signals.js';

/**
 * Per head, each row's rank within its request by that head's logit, as a
 * fraction: 0 for the request's best, 1 for its worst (EMER's normalised ranks).
 */
export function normalisedRanks(logits: Float32Array, requestOffsets: Int32Array): Float32Array {
  const out = new Float32Array(logits.length);
  for (let r = 0; r + 1 < requestOffsets.length; r++) {
    const from = requestOffsets[r]!;
    const n = requestOffsets[r + 1]! - from;
    if (n < 2) continue;
    const order = Array.from({ length: n }, (_, k) => from + k);
    for (let h = 0; h < numHeads; h++) {
      order.sort((a, b) => logits[b * numHeads + h]! - logits[a * numHeads + h]!);
      for (let k = 0; k < n; k++) out[order[k]! * numHeads + h] = k / (n - 1);
    }
  }
  return out;
}
