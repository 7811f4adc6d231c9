import { describe, expect, it } from 'vitest';
import { UncertaintyWeights } from './uncertainty-weights.js';

describe('UncertaintyWeights', () => {
  it('starts equal, sums to 1, and shifts weight to the objective with the lower loss', () => {
    const weights = new UncertaintyWeights(2, { lr: 0.05 });
    expect(weights.shares()).toEqual([0.5, 0.5]);
    for (let step = 0; step < 2000; step++) weights.update([0.2, 0.8]);
    const [easy, hard] = weights.shares();
    expect(easy! + hard!).toBeCloseTo(1);
    // u_k converges to log L_k, so the shares go as 1 / L_k: 0.8 / (0.2 + 0.8)
    expect(easy).toBeCloseTo(0.8, 2);
    expect(weights.logVariance[0]).toBeCloseTo(Math.log(0.2), 2);
  });

  it('leaves objectives absent from a step (NaN) where they were', () => {
    const weights = new UncertaintyWeights(2);
    weights.update([Number.NaN, 2]);
    expect(weights.logVariance[0]).toBe(0);
    expect(weights.logVariance[1]).toBeGreaterThan(0);
  });
});
