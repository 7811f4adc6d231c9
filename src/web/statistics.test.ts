import { describe, expect, it } from 'vitest';
import { liftInterval, meanInterval, proportionInterval, ratioInterval } from './statistics.js';

describe('dashboard statistics', () => {
  it('gives a mean its normal interval', () => {
    const interval = meanInterval([1, 2, 3, 4, 5]);
    expect(interval.value).toBe(3);
    // sd = sqrt(2.5), se = sqrt(2.5 / 5)
    expect(interval.high - interval.value).toBeCloseTo(1.959964 * Math.sqrt(0.5), 6);
    expect(meanInterval([]).value).toBeNaN();
  });

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

  it('measures a lift relative to the reference', () => {
    const lift = liftInterval([11, 12, 13, 14], [9, 10, 11, 10]);
    expect(lift.value).toBeCloseTo(12.5 / 10 - 1, 12);
    expect(lift.low).toBeGreaterThan(0);
    expect(liftInterval([1], [2, 3]).value).toBeNaN();
  });
});
