import { describe, expect, it } from 'vitest';
import { estimate, ranks, spearman } from './statistics.js';

describe('statistics', () => {
  it('gives a t interval over replicates', () => {
    // mean 2, sd 1, n 3: half-width 4.303 / sqrt(3).
    const { mean, ci95 } = estimate([1, 2, 3]);
    expect(mean).toBe(2);
    expect(ci95[1] - mean).toBeCloseTo(4.303 / Math.sqrt(3), 6);
    expect(estimate([5]).ci95).toEqual([5, 5]);
  });

  it('ranks with ties and correlates ranks', () => {
    expect(ranks([10, 30, 20, 20])).toEqual([1, 4, 2.5, 2.5]);
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(spearman([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 12);
  });
});
