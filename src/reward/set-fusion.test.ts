import { describe, expect, it } from 'vitest';
import { Random } from '../core/index.js';
import { AdamW, add, backward, binaryCrossEntropyWithLogits, concat, tensor } from '../tensor/index.js';
import { gradCheck } from '../tensor/test-support/gradcheck.js';
import { batchOfCandidates } from './candidate-batch.js';
import { levelPairs, pairLoss } from './pair-loss.js';
import {
  SetFusion,
  type SetFusionInput,
  type SetFusionShape,
  userFeatureCount,
  userFeatures,
} from './set-fusion.js';
import { numHeads } from './signals.js';

const bounds = [10_000, 30_000, 60_000];

function fusion(shape: Partial<SetFusionShape> = {}, seed = 3): SetFusion {
  const full = {
    width: 16,
    layers: 2,
    heads: 2,
    durationBounds: bounds,
    readsRanks: true,
    readsListRank: false,
  };
  return new SetFusion({ ...full, ...shape }, new Random(seed));
}

/** Random candidates in requests of the given sizes. */
function input(sizes: number[], seed = 11): SetFusionInput {
  const random = new Random(seed);
  const N = sizes.reduce((a, b) => a + b, 0);
  const offsets = Int32Array.from([
    0,
    ...sizes.map((_, r) => sizes.slice(0, r + 1).reduce((a, b) => a + b, 0)),
  ]);
  return {
    logits: tensor(
      Float32Array.from({ length: N * numHeads }, () => 2 * random.normal()),
      [N, numHeads],
    ),
    requestOffsets: offsets,
    durationMs: Float32Array.from({ length: N }, () => 5_000 + 80_000 * random.next()),
    userFeatures: Float32Array.from({ length: N * userFeatureCount }, () => random.next()),
  };
}

/** The same candidates with each request's rows in the order `order` (global row indices). */
function permuted(data: SetFusionInput, order: number[]): SetFusionInput {
  const rows = (values: ArrayLike<number>, width: number) => {
    const out = new Float32Array(order.length * width);
    order.forEach((row, k) => {
      for (let j = 0; j < width; j++) out[k * width + j] = values[row * width + j]!;
    });
    return out;
  };
  return {
    logits: tensor(rows(data.logits.data, numHeads), data.logits.shape),
    requestOffsets: data.requestOffsets,
    durationMs: rows(data.durationMs, 1),
    userFeatures: rows(data.userFeatures, userFeatureCount),
  };
}

describe('SetFusion', () => {
  const sizes = [5, 3, 4];
  const data = input(sizes);
  // Reverse each request's rows: request 0 = rows 0-4, 1 = 5-7, 2 = 8-11.
  const order = [4, 3, 2, 1, 0, 7, 6, 5, 11, 10, 9, 8];

  it('scores equivariantly to permuting the candidates when the list rank is not fed', () => {
    for (const readsRanks of [false, true]) {
      const model = fusion({ readsRanks });
      const before = model.run(data);
      const after = model.run(permuted(data, order));
      order.forEach((row, k) => {
        expect(after.score.data[k]).toBeCloseTo(before.score.data[row]!, 4);
        expect(after.continued.data[k]).toBeCloseTo(before.continued.data[row]!, 4);
      });
      before.returned.data.forEach((value, r) => {
        expect(after.returned.data[r]).toBeCloseTo(value, 4);
      });
    }
  });

  it("depends on the other candidates of the request, not on other requests'", () => {
    const model = fusion();
    const before = model.run(data).score.data.slice();
    const changed = input(sizes);
    changed.logits.data[5 * numHeads] = 9; // a candidate of request 1
    const after = model.run(changed).score.data;
    expect(Math.abs(after[6]! - before[6]!)).toBeGreaterThan(1e-4); // its neighbour moves
    for (const row of [0, 1, 2, 3, 4, 8, 9, 10, 11]) expect(after[row]).toBeCloseTo(before[row]!, 5);
  });

  it('changes with the order of the list when the list rank is fed', () => {
    const model = fusion({ readsListRank: true });
    const before = model.run(data);
    const after = model.run(permuted(data, order));
    const moved = order.map((row, k) => Math.abs(after.score.data[k]! - before.score.data[row]!));
    expect(Math.max(...moved)).toBeGreaterThan(1e-3);
  });

  it('has the gradients of central differences', () => {
    const model = fusion({ width: 8, layers: 1 });
    const small = input([3, 2], 5);
    const block = model.blocks[0]!;
    gradCheck(
      () => {
        const out = model.run(small);
        return concat([out.score, out.continued], 1);
      },
      [model.candidate.weight, model.user.weight, block.qkv.weight, block.fc1.weight, model.score.weight],
      { samples: 12 },
    );
    gradCheck(() => model.run(small).returned, [model.returned.weight, block.proj.weight], { samples: 8 });
  });

  it('overfits a tiny set of requests: pairwise and continues losses near zero', () => {
    const model = fusion({}, 9);
    const tiny = input([6, 6, 5, 6], 21);
    const random = new Random(4);
    const levels = Float32Array.from({ length: 23 }, () => random.int(4));
    const pairs = levelPairs(levels, tiny.requestOffsets);
    const continued = tensor(
      Float32Array.from({ length: 23 }, () => (random.next() < 0.5 ? 1 : 0)),
      [23, 1],
    );
    const optimizer = new AdamW(model.parameters(), { lr: 3e-3, weightDecay: 0 });
    const lossOf = () => {
      const out = model.run(tiny);
      return add(pairLoss(out.score, pairs), binaryCrossEntropyWithLogits(out.continued, continued));
    };
    const first = lossOf().data[0]!;
    for (let step = 0; step < 400; step++) {
      optimizer.zeroGrad();
      const loss = lossOf();
      backward(loss);
      optimizer.step();
    }
    const last = lossOf().data[0]!;
    expect(first).toBeGreaterThan(1);
    expect(last).toBeLessThan(0.05);
  });
});

describe('userFeatures', () => {
  it('reads the activity of the history window and the hour on the circle', () => {
    const batch = batchOfCandidates(Int32Array.of(3, 4), { user: 1, history: [5, 6, 7], hour: 6 }, 4);
    const features = userFeatures(batch);
    expect(features[0]).toBeCloseTo(Math.log(4) / Math.log(5), 6);
    expect(features[1]).toBeCloseTo(1, 6); // sin(2 pi 6 / 24)
    expect(features[2]).toBeCloseTo(0, 6);
    expect(Array.from(features.subarray(3))).toEqual(Array.from(features.subarray(0, 3)));
  });
});
