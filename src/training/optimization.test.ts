import { describe, expect, it } from 'vitest';
import { mul, parameter, sum, tensor } from '../tensor/index.js';
import { Optimization } from './optimization.js';

describe('Optimization', () => {
  it('clips the global gradient norm before the AdamW step, at the scheduled rate', () => {
    const weight = parameter(tensor([1, 1]), 'weight');
    const rates = [0.1, 0.01];
    const optimization = new Optimization([weight], { lr: (step) => rates[step]!, clipNorm: 0.5 });
    optimization.update(sum(mul(weight, tensor([30, 40])))); // gradient [30, 40], norm 50
    expect(Array.from(weight.grad!)).toEqual([expect.closeTo(0.3, 5), expect.closeTo(0.4, 5)]);
    // Adam's first step moves each weight by lr against its gradient's sign.
    expect(Array.from(weight.data)).toEqual([expect.closeTo(0.9, 5), expect.closeTo(0.9, 5)]);
    expect(optimization.steps).toBe(1);
  });

  it('accumulates weighted losses into one step; a step with nothing accumulated does nothing', () => {
    const weight = parameter(tensor([0]), 'weight');
    const optimization = new Optimization([weight], { lr: 0.1, clipNorm: 0 });
    optimization.accumulate(sum(mul(weight, tensor([2]))), 0.5);
    optimization.accumulate(sum(mul(weight, tensor([4]))), 0.5);
    expect(Array.from(weight.grad!)).toEqual([3]);
    optimization.step();
    optimization.step();
    expect(optimization.steps).toBe(1);
    expect(() => optimization.update(mul(sum(weight), Number.NaN))).toThrow(
      /loss is NaN at optimizer step 2/,
    );
  });
});
