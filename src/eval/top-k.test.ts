import { describe, expect, it } from 'vitest';
import { Random } from '../core/index.js';
import { topK } from './top-k.js';

describe('topK', () => {
  it('returns the best items first, ties to the lower index, skipping -Infinity', () => {
    const scores = Float32Array.from([3, 5, Number.NEGATIVE_INFINITY, 5, 1, 4]);
    expect(Array.from(topK(scores, 3))).toEqual([1, 3, 5]);
    expect(Array.from(topK(scores, 10))).toEqual([1, 3, 5, 0, 4]);
  });

  it('agrees with a full sort on random scores', () => {
    const random = new Random(7);
    for (let trial = 0; trial < 20; trial++) {
      const scores = Float32Array.from({ length: 500 }, () => Math.round(random.next() * 50));
      const expected = Array.from(scores.keys())
        .sort((a, b) => scores[b]! - scores[a]! || a - b)
        .slice(0, 10);
      expect(Array.from(topK(scores, 10))).toEqual(expected);
    }
  });

  it('rejects a bad k', () => {
    expect(() => topK(new Float32Array(3), 0)).toThrow(RangeError);
  });
});
