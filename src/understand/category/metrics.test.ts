import { describe, expect, it } from 'vitest';
import { majorityLabel } from './majority-class.js';
import { classificationMetrics } from './metrics.js';
import { holdOutSplit } from './split.js';

describe('classificationMetrics', () => {
  it('matches hand-computed macro precision, recall and F1', () => {
    // a: P 1, R 1/2, F1 2/3; b: P 1/3, R 1, F1 1/2; c: never predicted, P = R = F1 = 0.
    const m = classificationMetrics(['a', 'a', 'b', 'c'], ['a', 'b', 'b', 'b']);
    expect(m.accuracy).toBeCloseTo(0.5, 12);
    expect(m.macroPrecision).toBeCloseTo(4 / 9, 12);
    expect(m.macroRecall).toBeCloseTo(0.5, 12);
    expect(m.macroF1).toBeCloseTo(7 / 18, 12);
    expect(m.classes).toBe(3);
  });

  it('counts a class that is predicted but never true', () => {
    // a: P 1, R 1/2, F1 2/3; d: P 0, R 0 -> macro F1 1/3.
    const m = classificationMetrics(['a', 'a'], ['a', 'd']);
    expect(m.macroF1).toBeCloseTo(1 / 3, 12);
    expect(m.macroPrecision).toBeCloseTo(0.5, 12);
  });

  it('is 1 everywhere for a perfect labelling and rejects mismatched lengths', () => {
    const m = classificationMetrics(['x', 'y', 'y'], ['x', 'y', 'y']);
    expect([m.accuracy, m.macroPrecision, m.macroRecall, m.macroF1]).toEqual([1, 1, 1, 1]);
    expect(() => classificationMetrics(['x'], [])).toThrow(/1 true labels but 0 predictions/);
  });
});

describe('holdOutSplit', () => {
  it('partitions the indices reproducibly by seed', () => {
    const a = holdOutSplit(100, { testFraction: 0.25, seed: 7 });
    expect(a.test).toHaveLength(25);
    expect([...a.train, ...a.test].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(holdOutSplit(100, { testFraction: 0.25, seed: 7 })).toEqual(a);
    expect(holdOutSplit(100, { testFraction: 0.25, seed: 8 }).test).not.toEqual(a.test);
  });
});

describe('majorityLabel', () => {
  it('picks the most frequent label', () => {
    expect(majorityLabel(['b', 'a', 'a', 'c'])).toBe('a');
  });
});
