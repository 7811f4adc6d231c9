import { describe, expect, it } from 'vitest';
import { ndcgAtK, recallAtK, reciprocalRank } from './metrics.js';

describe('recallAtK', () => {
  it('counts hits over the number of targets', () => {
    const ranked = [4, 7, 1, 9, 3];
    expect(recallAtK(ranked, new Set([7]), 5)).toBe(1);
    expect(recallAtK(ranked, new Set([7, 3, 8]), 5)).toBeCloseTo(2 / 3, 12);
    expect(recallAtK(ranked, new Set([3]), 4)).toBe(0);
    expect(recallAtK(ranked, new Set(), 5)).toBe(0);
  });
});

describe('ndcgAtK', () => {
  it('matches hand-computed values', () => {
    const ranked = [4, 7, 1, 9, 3];
    // One target at rank 2: 1 / log2(3).
    expect(ndcgAtK(ranked, new Set([7]), 5)).toBeCloseTo(1 / Math.log2(3), 12);
    // Targets at ranks 1 and 3, two targets: (1 + 1/log2(4)) / (1 + 1/log2(3)).
    expect(ndcgAtK(ranked, new Set([4, 1]), 5)).toBeCloseTo((1 + 0.5) / (1 + 1 / Math.log2(3)), 12);
    // The ideal DCG is capped at K hits: three targets, K = 2, hits at ranks 1 and 2 -> 1.
    expect(ndcgAtK(ranked, new Set([4, 7, 3]), 2)).toBeCloseTo(1, 12);
    expect(ndcgAtK(ranked, new Set([3]), 4)).toBe(0);
  });
});

describe('reciprocalRank', () => {
  it('ranks the best target over the whole catalogue, ties to the lower index', () => {
    const scores = Float32Array.from([0.1, 0.9, 0.5, 0.5, Number.NEGATIVE_INFINITY]);
    expect(reciprocalRank(scores, new Set([2]))).toBeCloseTo(1 / 2, 12);
    expect(reciprocalRank(scores, new Set([3]))).toBeCloseTo(1 / 3, 12);
    expect(reciprocalRank(scores, new Set([0, 3]))).toBeCloseTo(1 / 3, 12);
    expect(reciprocalRank(scores, new Set([4]))).toBe(0);
  });
});
