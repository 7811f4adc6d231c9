import { describe, expect, it } from 'vitest';
import { auc, gauc, groupNdcg, meanNdcg } from './ranking-metrics.js';

describe('auc', () => {
  it('counts correctly ordered positive-negative pairs, ties half', () => {
    // positives 0.8, 0.4; negatives 0.5, 0.1: pairs (0.8>0.5, 0.8>0.1, 0.4<0.5, 0.4>0.1) = 3/4
    expect(auc([0.8, 0.5, 0.4, 0.1], [1, 0, 1, 0])).toBeCloseTo(0.75);
    expect(auc([0.5, 0.5], [1, 0])).toBeCloseTo(0.5);
    expect(auc([1, 2, 3], [0, 0, 0])).toBeNaN();
  });

  it('GAUC weights each user by impressions and skips one-class users', () => {
    const scores = [0.9, 0.1, 0.2, 0.8, 0.3, 0.5, 0.7];
    const labels = [1, 0, 1, 0, 1, 0, 1];
    const users = [0, 0, 1, 1, 1, 2, 2];
    // user 0: 1.0 (2 rows); user 1: positives 0.2, 0.3 vs 0.8 -> 0 (3 rows); user 2: 1.0 (2 rows)
    expect(gauc(scores, labels, users)).toBeCloseTo((2 * 1 + 3 * 0 + 2 * 1) / 7);
    expect(gauc([1, 2], [1, 1], [0, 0])).toBeNaN();
  });
});

describe('ndcg', () => {
  it('is 1 for the ideal order and matches a hand computation otherwise', () => {
    expect(groupNdcg([3, 2, 1], [0.9, 0.5, 0.1], 0, 3)).toBeCloseTo(1);
    // reversed: DCG = 0.1 + 0.5/log2(3) + 0.9/2; ideal = 0.9 + 0.5/log2(3) + 0.1/2
    const dcg = 0.1 + 0.5 / Math.log2(3) + 0.9 / 2;
    const ideal = 0.9 + 0.5 / Math.log2(3) + 0.1 / 2;
    expect(groupNdcg([1, 2, 3], [0.9, 0.5, 0.1], 0, 3)).toBeCloseTo(dcg / ideal);
  });

  it('averages over groups of two rows or more', () => {
    const value = meanNdcg([1, 2, 3, 5], [0.9, 0.5, 0.1, 1], Int32Array.of(0, 3, 4));
    expect(value).toBeCloseTo(groupNdcg([1, 2, 3], [0.9, 0.5, 0.1], 0, 3));
  });
});
