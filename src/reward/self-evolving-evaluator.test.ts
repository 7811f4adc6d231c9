import { describe, expect, it } from 'vitest';
import { Random } from '../core/index.js';
import { concordance, SelfEvolvingEvaluator } from './self-evolving-evaluator.js';

describe('concordance', () => {
  it('counts the within-request proxy pairs each objective orders the same way', () => {
    // One request of three rows; proxy: rows 0 and 2 continued, row 1 did not (pairs 0>1, 2>1).
    const proxies = Float32Array.of(1, 0, 1);
    // objective 0 agrees on both pairs, 1 on none, 2 ties one pair and agrees on the other.
    const values = Float32Array.of(3, 0, 1, /* row 1 */ 1, 5, 1, /* row 2 */ 2, 0, 2);
    const agreement = concordance(values, 3, proxies, Int32Array.of(0, 3));
    expect(Array.from(agreement)).toEqual([1, 0, 0.75]);
  });

  it('skips unknown proxies and pairs across requests; NaN without any pair', () => {
    const offsets = Int32Array.of(0, 2, 4);
    const values = Float32Array.of(1, 0, 0, 1); // one objective
    expect(concordance(values, 1, Float32Array.of(1, Number.NaN, 1, 0), offsets)[0]).toBe(0);
    expect(concordance(values, 1, Float32Array.of(1, 1, 0, 0), offsets)[0]).toBeNaN();
  });
});

describe('SelfEvolvingEvaluator', () => {
  it('moves weight toward the objective whose ranking agrees with the proxy on held-out requests', () => {
    // 200 requests of 6; the proxy follows a latent value; objective 0 ranks by the value
    // plus a little noise, objective 1 by noise alone, objective 2 against the value.
    const random = new Random(3);
    const requests = 200;
    const size = 6;
    const offsets = Int32Array.from({ length: requests + 1 }, (_, r) => r * size);
    const N = requests * size;
    const values = new Float32Array(N * 3);
    const proxy = new Float32Array(N);
    for (let n = 0; n < N; n++) {
      const value = random.normal();
      proxy[n] = random.next() < 1 / (1 + Math.exp(-2 * value)) ? 1 : 0;
      values[n * 3] = value + 0.3 * random.normal();
      values[n * 3 + 1] = random.normal();
      values[n * 3 + 2] = -value;
    }
    const evaluator = new SelfEvolvingEvaluator(['agrees', 'noise', 'disagrees']);
    expect(evaluator.weights()).toEqual([1 / 3, 1 / 3, 1 / 3]);
    const agreement = evaluator.evaluate(values, proxy, offsets);
    expect(agreement[0]).toBeGreaterThan(0.65);
    expect(agreement[1]).toBeGreaterThan(0.4);
    expect(agreement[1]).toBeLessThan(0.6);
    expect(agreement[2]).toBeLessThan(0.35);
    const once = evaluator.weights();
    expect(once[0]).toBeGreaterThan(1 / 3);
    expect(once[2]).toBeLessThan(1 / 3);
    for (let k = 0; k < 10; k++) evaluator.evaluate(values, proxy, offsets);
    const settled = evaluator.weights();
    expect(settled[0]).toBeGreaterThan(0.8);
    expect(settled[0]).toBeGreaterThan(once[0]!);
    // The floor (0.2 / 3 by default) keeps the others alive.
    expect(Math.min(...settled)).toBeCloseTo(0.2 / 3, 6);
    expect(settled.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(evaluator.multiplier(0)).toBeCloseTo(3 * settled[0]!, 10);
    expect(evaluator.history).toHaveLength(11);
  });

  it('leaves an objective without measurable pairs at its share and refuses bad settings', () => {
    const evaluator = new SelfEvolvingEvaluator(['a', 'b', 'c'], { floor: 0 });
    evaluator.update([0.9, Number.NaN, 0.5]);
    const weights = evaluator.weights();
    expect(weights[1]).toBeCloseTo(1 / 3, 10);
    expect(weights[0]).toBeGreaterThan(weights[2]!);
    expect(() => new SelfEvolvingEvaluator([])).toThrow(/no objectives/);
    expect(() => new SelfEvolvingEvaluator(['a'], { rate: 0 })).toThrow(/rate must be in \(0, 1\], got 0/);
    expect(() => new SelfEvolvingEvaluator(['a', 'b'], { floor: 0.5 })).toThrow(/floor must be in/);
  });
});
