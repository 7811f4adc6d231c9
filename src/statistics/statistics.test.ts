import { describe, expect, it } from 'vitest';
import {
  differenceInterval,
  estimate,
  interpolatedQuantile,
  liftInterval,
  meanAndHalfWidth,
  meanInterval,
  nearestRank,
  proportionInterval,
  quantile,
  RunningMoments,
  ranks,
  ratioInterval,
  spearman,
  studentT975,
  Z975,
} from './index.js';

describe('mean intervals', () => {
  it('gives a mean its normal interval', () => {
    const interval = meanInterval([1, 2, 3, 4, 5]);
    expect(interval.value).toBe(3);
    // sd = sqrt(2.5), se = sqrt(2.5 / 5)
    expect(interval.high - interval.value).toBeCloseTo(1.959964 * Math.sqrt(0.5), 6);
    expect(meanInterval([]).value).toBeNaN();
    expect(meanInterval([4])).toEqual({ value: 4, low: 4, high: 4 });
  });

  it('takes the critical value as an option: a rounded z or a t quantile', () => {
    expect(meanAndHalfWidth([1, 2, 3, 4], { critical: 1.96 }).halfWidth).toBeCloseTo(
      1.96 * Math.sqrt(5 / 3 / 4),
      12,
    );
    expect(meanAndHalfWidth([7]).halfWidth).toBe(0);
    expect(studentT975(2)).toBe(4.303);
    expect(studentT975(200)).toBe(2.042);
    expect(Z975).toBeCloseTo(1.96, 3);
  });

  it('gives replicates a t interval', () => {
    // mean 2, sd 1, n 3: half-width 4.303 / sqrt(3).
    const { mean, ci95 } = estimate([1, 2, 3]);
    expect(mean).toBe(2);
    expect(ci95[1] - mean).toBeCloseTo(4.303 / Math.sqrt(3), 6);
    expect(estimate([5]).ci95).toEqual([5, 5]);
    expect(estimate([]).mean).toBeNaN();
  });

  it('streams moments one value at a time', () => {
    const moments = new RunningMoments();
    for (const value of [1, 0]) moments.add(value);
    expect(moments.mean).toBe(0.5);
    // sample sd sqrt(0.5), standard error 0.5.
    expect(moments.standardError).toBeCloseTo(0.5, 12);
    const one = new RunningMoments();
    one.add(3);
    expect(one.variance).toBe(0);
  });
});

describe('ratios, proportions, differences and lifts', () => {
  it('gives a ratio of sums the delta-method interval, users as the unit', () => {
    const likes = [1, 0, 3, 2];
    const events = [10, 5, 20, 15];
    const interval = ratioInterval(likes, events);
    expect(interval.value).toBeCloseTo(6 / 50, 12);
    expect(interval.low).toBeLessThan(interval.value);
    expect(interval.high).toBeGreaterThan(interval.value);
    // Proportional users (same rate each) leave no uncertainty.
    const flat = ratioInterval([1, 2, 3], [10, 20, 30]);
    expect(flat.high - flat.low).toBeCloseTo(0, 6);
    expect(() => ratioInterval([1], [1, 2])).toThrow(/as many numerators as denominators, got 1 and 2/);
  });

  it('keeps a proportion interval inside [0, 1]', () => {
    const none = proportionInterval(0, 10);
    expect(none.value).toBe(0);
    expect(none.low).toBe(0);
    expect(none.high).toBeGreaterThan(0.2);
    const half = proportionInterval(50, 100);
    expect(half.low).toBeCloseTo(0.4038, 3);
    expect(half.high).toBeCloseTo(0.5962, 3);
  });

  it('gives a difference of means the Welch interval', () => {
    const difference = differenceInterval([10, 20, 30, 40], [5, 5, 10, 20], { critical: 1.96 });
    expect(difference.value).toBe(15);
    const se = Math.sqrt(500 / 3 / 4 + 50 / 4);
    expect(difference.high - difference.value).toBeCloseTo(1.96 * se, 10);
    // Too few to measure a spread: the difference without bounds, NaN when a side is empty.
    expect(differenceInterval([3], [1, 2]).value).toBe(1.5);
    expect(differenceInterval([3], [1, 2]).low).toBeNaN();
    expect(differenceInterval([], [1, 2]).value).toBeNaN();
  });

  it('measures a lift relative to the reference', () => {
    const lift = liftInterval([11, 12, 13, 14], [9, 10, 11, 10]);
    expect(lift.value).toBeCloseTo(12.5 / 10 - 1, 12);
    expect(lift.low).toBeGreaterThan(0);
    expect(liftInterval([1], [2, 3]).value).toBeNaN();
    expect(liftInterval([1, 2], [0, 0]).value).toBeNaN();
  });
});

describe('ranks and quantiles', () => {
  it('ranks with ties and correlates ranks', () => {
    expect(ranks([10, 30, 20, 20])).toEqual([1, 4, 2.5, 2.5]);
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(spearman([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 12);
  });

  it('takes nearest-rank quantiles', () => {
    expect(quantile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(quantile([5, 1, 3, 2, 4], 0.99)).toBe(5);
    expect(quantile([], 0.99)).toBe(0);
    expect(nearestRank([1, 2, 3, 4], 0.5)).toBe(2);
    expect(nearestRank([], 0.5)).toBeNaN();
  });

  it('interpolates quantiles between ranks, and refuses an empty list or q outside [0, 1]', () => {
    expect(interpolatedQuantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(interpolatedQuantile([4, 1, 3, 2], 0.75)).toBeCloseTo(3.25, 12);
    expect(interpolatedQuantile([7], 0.3)).toBe(7);
    expect(() => interpolatedQuantile([], 0.5)).toThrow(/empty/);
    expect(() => interpolatedQuantile([1], 1.5)).toThrow(/q 1.5/);
  });
});
