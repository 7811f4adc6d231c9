import { describe, expect, it } from 'vitest';
import { backward, tensor } from '../tensor/index.js';
import { headPairTargets, levelPairs, pairLoss, predictionPairs } from './pair-loss.js';

const softplus = (x: number) => Math.log1p(Math.exp(x));

describe('pairLoss', () => {
  it('is the mean of log(1 + exp(-(s_w - s_l))) over the ordered pairs, by hand', () => {
    // Levels 2, 0, -1 (a liked long view, nothing, a hate) scored 2, 0, 1.
    const scores = tensor([2, 0, 1], [3, 1], { requiresGrad: true });
    const pairs = levelPairs([2, 0, -1], Int32Array.of(0, 3));
    expect(Array.from(pairs.winners)).toEqual([0, 0, 1]);
    expect(Array.from(pairs.losers)).toEqual([1, 2, 2]);
    const loss = pairLoss(scores, pairs);
    // log(1+e^-2) = 0.126928, log(1+e^-1) = 0.313262, log(1+e^1) = 1.313262
    expect(loss.data[0]).toBeCloseTo((0.126928 + 0.313262 + 1.313262) / 3, 5);
    backward(loss);
    // d/ds_0 = -(sigmoid(-2) + sigmoid(-1)) / 3; d/ds_2 = (sigmoid(-1) + sigmoid(1)) / 3
    const sig = (x: number) => 1 / (1 + Math.exp(-x));
    expect(scores.grad![0]).toBeCloseTo(-(sig(-2) + sig(-1)) / 3, 5);
    expect(scores.grad![2]).toBeCloseTo((sig(-1) + sig(1)) / 3, 5);
    expect(softplus(0)).toBeCloseTo(Math.LN2);
  });

  it('pairs only rows of the same request and skips ties', () => {
    const pairs = levelPairs([1, 1, 0, 3], Int32Array.of(0, 2, 4));
    expect(Array.from(pairs.winners)).toEqual([3]);
    expect(Array.from(pairs.losers)).toEqual([2]);
  });

  it('with soft targets is the mean of -(q log sigma(d) + (1 - q) log sigma(-d)), by hand', () => {
    const scores = tensor([2, 0, 1], [3, 1]);
    const pairs = levelPairs([2, 0, -1], Int32Array.of(0, 3)); // gaps d = 2, 1, -1
    const loss = pairLoss(scores, pairs, Float32Array.of(0.8, 0.5, 0.6));
    // 0.8*0.126928 + 0.2*2.126928 = 0.526928; 0.5*(0.313262 + 1.313262) = 0.813262;
    // 0.6*1.313262 + 0.4*0.313262 = 0.913262
    expect(loss.data[0]).toBeCloseTo((0.526928 + 0.813262 + 0.913262) / 3, 5);
    expect(() => pairLoss(scores, pairs, Float32Array.of(0.5))).toThrow(/1 targets for 3 pairs/);
  });

  it('with a soft target q is lowest at the gap logit(q), not at an infinite gap', () => {
    const pairs = { winners: Int32Array.of(0), losers: Int32Array.of(1) };
    const at = (gap: number) => {
      const scores = tensor([gap, 0], [2, 1], { requiresGrad: true });
      const loss = pairLoss(scores, pairs, Float32Array.of(0.8));
      backward(loss);
      return scores.grad![0]!;
    };
    expect(at(Math.log(4))).toBeCloseTo(0, 6); // logit(0.8)
    expect(at(0)).toBeLessThan(0); // pushes the winner up
    expect(at(5)).toBeGreaterThan(0); // and back down past logit(q)
  });

  it('refuses an empty pair set', () => {
    expect(() => pairLoss(tensor([1], [1, 1]), levelPairs([0], Int32Array.of(0, 1)))).toThrow(/no pairs/);
  });
});

describe('predictionPairs (consistency)', () => {
  // Two heads; column 1 is a "lower is better" objective like hate.
  const predictions = Float32Array.of(0, 0, 1, 2, 0.2, -1);
  const offsets = Int32Array.of(0, 3);

  it('orders pairs the head separates by more than the margin', () => {
    const pairs = predictionPairs(predictions, 2, 0, offsets, { margin: 0.5, sign: 1 });
    expect(Array.from(pairs.winners)).toEqual([1, 1]);
    expect(Array.from(pairs.losers)).toEqual([0, 2]);
  });

  it('reverses the order for objectives where lower is better', () => {
    const pairs = predictionPairs(predictions, 2, 1, offsets, { margin: 0.5, sign: -1 });
    expect(Array.from(pairs.winners)).toEqual([0, 2, 2]);
    expect(Array.from(pairs.losers)).toEqual([1, 0, 1]);
  });

  it("soft targets are the head's own probability that the winner is better", () => {
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    const up = predictionPairs(predictions, 2, 0, offsets, { margin: 0.5, sign: 1 });
    expect(Array.from(headPairTargets(predictions, 2, 0, up, 1))).toEqual([
      Math.fround(sigmoid(1)),
      Math.fround(sigmoid(1 - 0.2)),
    ]);
    const down = predictionPairs(predictions, 2, 1, offsets, { margin: 0.5, sign: -1 });
    const targets = headPairTargets(predictions, 2, 1, down, -1);
    expect(targets[0]).toBeCloseTo(sigmoid(2 - 0), 6); // row 0 (0) beats row 1 (2) on a lower-is-better head
    for (const q of targets) expect(q).toBeGreaterThan(sigmoid(0.5));
  });

  it('its loss falls as the fused score agrees with the head', () => {
    const pairs = predictionPairs(predictions, 2, 0, offsets, { margin: 0.5, sign: 1 });
    const against = pairLoss(tensor([1, 0, 1], [3, 1]), pairs).data[0]!;
    const agreeing = pairLoss(tensor([0, 1, 0], [3, 1]), pairs).data[0]!;
    expect(agreeing).toBeLessThan(against);
    expect(agreeing).toBeCloseTo(softplus(-1), 5);
  });
});
