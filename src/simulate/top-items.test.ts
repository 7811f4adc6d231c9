import { describe, expect, it } from 'vitest';
import { Random } from '../core/index.js';
import { topK } from '../eval/index.js';
import { topItems } from './top-items.js';

describe('topItems', () => {
  it('agrees with eval topK, ties included, and skips -Infinity', () => {
    const random = new Random(4);
    for (let trial = 0; trial < 200; trial++) {
      const length = 1 + random.int(60);
      const scores = Float32Array.from({ length }, () => {
        const u = random.next();
        return u < 0.2 ? Number.NEGATIVE_INFINITY : Math.floor(u * 6);
      });
      const n = 1 + random.int(12);
      const out = new Int32Array(n);
      const found = topItems(scores, n, out, new Float64Array(n));
      const expected = [...topK(scores, n)];
      expect([...out.subarray(0, found)]).toEqual(expected);
    }
  });
});
