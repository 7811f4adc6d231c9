import { describe, expect, it } from 'vitest';
import { Random } from '../core/index.js';
import { fitPrerankWeights, numPrerankFeatures, type PrerankExample } from './prerank-model.js';

describe('fitPrerankWeights (softmax over each request candidates)', () => {
  it('learns to weight the feature that marks the label and to ignore noise', () => {
    const random = new Random(4);
    const F = numPrerankFeatures;
    const examples: PrerankExample[] = Array.from({ length: 300 }, () => {
      const C = 20;
      const features = Float32Array.from({ length: C * F }, () => random.next());
      const target = random.int(C);
      // The label has the largest feature 2 (affinity) of its request; feature 0 is noise.
      features[target * F + 2] = 1.5;
      return { features, target };
    });
    const weights = fitPrerankWeights(examples, new Float32Array(F), { epochs: 20 });
    expect(weights[2]!).toBeGreaterThan(2);
    expect(Math.abs(weights[0]!)).toBeLessThan(weights[2]! / 4);
    // The fitted weights put the label first in most requests.
    let first = 0;
    for (const { features, target } of examples) {
      const score = (c: number) => weights.reduce((sum, w, f) => sum + w * features[c * F + f]!, 0);
      let best = 0;
      for (let c = 1; c < features.length / F; c++) if (score(c) > score(best)) best = c;
      if (best === target) first++;
    }
    expect(first / examples.length).toBeGreaterThan(0.9);
  });

  it('is reproducible from its seed', () => {
    const examples: PrerankExample[] = [
      { features: Float32Array.from({ length: 3 * numPrerankFeatures }, (_, k) => k % 7), target: 1 },
    ];
    const a = fitPrerankWeights(examples, new Float32Array(numPrerankFeatures), { seed: 1 });
    const b = fitPrerankWeights(examples, new Float32Array(numPrerankFeatures), { seed: 1 });
    expect(Array.from(a)).toEqual(Array.from(b));
  });
});
