import { describe, expect, it } from 'vitest';
import { Random } from '../core/index.js';
import { trainTwoTower } from './train-two-tower.js';
import { userBatch } from './two-tower-model.js';

/** 40 items in two clusters of 20; each user walks one cluster in order (item i -> i + 1) from a random start. */
function walks(users: number, length: number, seed: number): Int32Array[] {
  const random = new Random(seed);
  return Array.from({ length: users }, (_, user) => {
    const base = user % 2 === 0 ? 0 : 20;
    const start = random.int(20);
    return Int32Array.from({ length }, (_, k) => base + ((start + k) % 20));
  });
}

const side = {
  author: new Int32Array(40).fill(-1),
  category: Int32Array.from({ length: 40 }, (_, i) => (i < 20 ? 0 : 1)),
};
const shape = { numItems: 40, numAuthors: 0, numCategories: 2, side };

/** Share of held-out walks whose true next item is among the model's top 3 of all 40 items. */
function hitRate(trained: ReturnType<typeof trainTwoTower>, heldOut: Int32Array[]): number {
  const vectors = trained.model.itemVectors(side);
  const d = trained.model.config.dim;
  let hits = 0;
  for (const sequence of heldOut) {
    const user = trained.model.userVector(sequence.subarray(0, -1));
    const target = sequence.at(-1)!;
    const score = (item: number) => {
      let s = 0;
      for (let k = 0; k < d; k++) s += user[k]! * vectors[item * d + k]!;
      return s;
    };
    const targetScore = score(target);
    let above = 0;
    for (let item = 0; item < 40; item++) if (item !== target && score(item) > targetScore) above++;
    if (above < 3) hits++;
  }
  return hits / heldOut.length;
}

describe('two-tower pre-rank', () => {
  it('learns the next item of held-out users (in-batch softmax loss falls, top-3 hit rate far above chance)', () => {
    const train = walks(400, 8, 1);
    const heldOut = walks(100, 8, 2);
    const untrained = trainTwoTower(train, shape, { dim: 16, historyLength: 4, epochs: 1, lr: 0, seed: 3 });
    const trained = trainTwoTower(train, shape, {
      dim: 16,
      historyLength: 4,
      epochs: 30,
      batchSize: 64,
      seed: 3,
    });
    expect(trained.losses.at(-1)!).toBeLessThan(0.5 * trained.losses[0]!);
    // Chance is 3/40 = 0.075.
    expect(hitRate(untrained, heldOut)).toBeLessThan(0.3);
    expect(hitRate(trained, heldOut)).toBeGreaterThan(0.8);
  });

  it('scores a user against items as the dot product of the two towers', () => {
    const { model } = trainTwoTower(walks(20, 5, 4), shape, { dim: 8, historyLength: 3, epochs: 1, seed: 1 });
    const history = [3, 4, 5];
    const user = model.userVector(history);
    const vectors = model.itemVectors(side);
    const scores = model.scores(userBatch([history], 3), Int32Array.of(6, 30), side).data;
    for (const [k, item] of [6, 30].entries()) {
      let expected = 0;
      for (let j = 0; j < 8; j++) expected += user[j]! * vectors[item * 8 + j]!;
      expect(scores[k]).toBeCloseTo(expected, 5);
    }
  });
});
