import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Random, silentLogger, silentProgress } from '../core/index.js';
import type { EvalPhase } from '../eval/index.js';
import { crossEntropy, IntTensor, matmul, noGrad, reshape } from '../tensor/index.js';
import { SasRec } from './sasrec.js';
import { SasRecRecommender } from './sasrec-spec.js';
import { nextItemBatch, paddedBatch } from './sequence-batch.js';

const numItems = 10;
/** Every prefix determines its next item (the first items differ). */
const sequences = [
  [0, 1, 2, 3, 4],
  [5, 6, 7, 8, 9],
  [9, 7, 5, 3, 1],
  [2, 4, 6, 8, 0],
].map((items) => Int32Array.from(items));

function tinyModel(seed = 1, dropout = 0): SasRec {
  return new SasRec({ numItems, dim: 16, layers: 2, heads: 2, maxLength: 6, dropout }, new Random(seed));
}

function scoresOf(model: SasRec, histories: Int32Array[]): Float32Array[] {
  const out = new Float32Array(histories.length * numItems);
  model.scoreBatch(histories, out);
  return histories.map((_, row) => out.slice(row * numItems, (row + 1) * numItems));
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

const folder = mkdtempSync(join(tmpdir(), 'genfeed-sasrec-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('SasRec', () => {
  it('lays out left-padded next-item batches', () => {
    const batch = nextItemBatch([Int32Array.of(1, 2, 3), Int32Array.of(4, 5)], 9, 6);
    expect(batch.inputs.shape).toEqual([2, 2]);
    expect(Array.from(batch.inputs.data)).toEqual([1, 2, 9, 4]);
    expect(Array.from(batch.keyMask)).toEqual([1, 1, 0, 1]);
    expect(Array.from(batch.positions.data)).toEqual([0, 1, 3]);
    expect(Array.from(batch.targets.data)).toEqual([2, 3, 5]);
    // Longer than maxLength + 1: the last maxLength inputs and targets.
    const long = nextItemBatch([Int32Array.of(1, 2, 3, 4, 5)], 9, 3);
    expect(Array.from(long.inputs.data)).toEqual([2, 3, 4]);
    expect(Array.from(long.targets.data)).toEqual([3, 4, 5]);
  });

  it('overfits a handful of sequences: the true next item ranks first after every prefix', async () => {
    const recommender = new SasRecRecommender({
      dim: 16,
      layers: 2,
      heads: 2,
      dropout: 0,
      lr: 1e-2,
      batchSize: 4,
      maxLength: 6,
      epochs: 150,
    });
    await recommender.fit(
      { numUsers: sequences.length, numItems, sequences },
      { random: new Random(7), logger: silentLogger, progress: silentProgress },
    );
    expect(recommender.training?.epochs).toBe(150);
    expect(recommender.training?.history.at(-1)?.loss).toBeLessThan(0.05);
    const prefixes = sequences.flatMap((sequence) =>
      Array.from({ length: sequence.length - 1 }, (_, end) => sequence.subarray(0, end + 1)),
    );
    const scores = scoresOf(recommender.model, prefixes);
    const wrong = prefixes.filter((prefix, i) => {
      const sequence = sequences.find((s) => s[0] === prefix[0])!;
      return argmax(scores[i]!) !== sequence[prefix.length];
    });
    expect(wrong).toEqual([]);
  });

  it('gives a history the same scores whatever padding its batch carries', () => {
    const model = tinyModel(2);
    const short = Int32Array.of(3, 1, 4);
    const long = Int32Array.of(1, 5, 9, 2, 6, 5, 3, 5);
    const [alone] = scoresOf(model, [short]);
    const [, padded] = scoresOf(model, [long, short]);
    for (const [i, value] of alone!.entries()) expect(padded![i]).toBeCloseTo(value, 5);
    // A history longer than maxLength reads only its last maxLength items.
    const [truncated] = scoresOf(model, [long.subarray(long.length - 6)]);
    const [full] = scoresOf(model, [long]);
    expect(Array.from(full!)).toEqual(Array.from(truncated!));
    // The padding embedding never leaks into a real position.
    model.items.weight.data.fill(7, numItems * 16);
    const [changed] = scoresOf(model, [long, short]).slice(1);
    for (const [i, value] of padded!.entries()) expect(changed![i]).toBeCloseTo(value, 6);
  });

  it('trains on real positions only: the loss equals cross-entropy over all positions with padding ignored', () => {
    const model = tinyModel(3);
    model.eval();
    const batch = nextItemBatch([Int32Array.of(1, 2, 3, 4), Int32Array.of(5, 6)], model.padId, 6);
    const gathered = noGrad(() => model.loss(batch, new Random(0)).item());
    const ignoring = noGrad(() => {
      const hidden = model.hidden(batch.inputs, batch.keyMask); // [B, T, d]
      const [rows, time, dim] = hidden.shape as [number, number, number];
      const logits = matmul(reshape(hidden, [rows * time, dim]), model.itemWeights(), { transB: true });
      const targets = new Int32Array(rows * time).fill(-100);
      batch.positions.data.forEach((position, i) => {
        targets[position] = batch.targets.data[i]!;
      });
      return crossEntropy(logits, new IntTensor(targets, [rows * time]), { ignoreIndex: -100 }).item();
    });
    expect(gathered).toBeCloseTo(ignoring, 5);
  });

  it('runs the dropout path of a block like TransformerBlock.forward when nothing is dropped', () => {
    const model = tinyModel(4, 0.3);
    const { inputs, keyMask } = paddedBatch([Int32Array.of(1, 2, 3), Int32Array.of(4)], model.padId, 6);
    model.train(true);
    const decomposed = noGrad(() => model.hidden(inputs, keyMask).data.slice()); // no random: nothing dropped
    model.eval();
    const reference = noGrad(() => model.hidden(inputs, keyMask).data.slice());
    for (const [i, value] of reference.entries()) expect(decomposed[i]).toBeCloseTo(value, 6);
  });

  it("counts positions back from the newest item with positions 'newest'", () => {
    const config = { numItems, dim: 16, layers: 1, heads: 2, maxLength: 6, dropout: 0 };
    const newest = new SasRec({ ...config, positions: 'newest' }, new Random(5));
    const oldest = new SasRec({ ...config, positions: 'oldest' }, new Random(5));
    const short = Int32Array.of(3, 1, 4);
    const long = Int32Array.of(1, 5, 9, 2, 6, 5, 3, 5);
    // A full window reads slots 0..5 either way; a short one reads 3..5 instead of 0..2.
    expect(scoresOf(newest, [long])).toEqual(scoresOf(oldest, [long]));
    expect(scoresOf(newest, [short])[0]).not.toEqual(scoresOf(oldest, [short])[0]);
    // Slots 0..2 are never read by a 3-item history, alone or padded beside a longer one.
    const [before] = scoresOf(newest, [short]);
    newest.positions.weight.data.fill(5, 0, 3 * 16);
    const [alone] = scoresOf(newest, [short]);
    const [, padded] = scoresOf(newest, [long, short]);
    expect(alone).toEqual(before);
    for (const [i, value] of before!.entries()) expect(padded![i]).toBeCloseTo(value, 5);
  });

  it('initialises like the PyTorch reference with init xavier', () => {
    const dim = 16;
    const model = new SasRec(
      { numItems: 400, dim, layers: 1, heads: 2, maxLength: 6, dropout: 0, ffnDim: 32, init: 'xavier' },
      new Random(6),
    );
    const std = (values: Float32Array) => Math.sqrt(values.reduce((s, v) => s + v * v, 0) / values.length);
    const items = model.items.weight.data;
    expect(Array.from(items.subarray(400 * dim))).toEqual(new Array(dim).fill(0)); // padding row
    expect(std(items.subarray(0, 400 * dim))).toBeCloseTo(Math.sqrt(2 / (401 + dim)), 2);
    expect(std(model.blocks[0]!.attn.qkv.weight.data)).toBeCloseTo(Math.sqrt(2 / (4 * dim)), 2);
    expect(Array.from(model.blocks[0]!.attn.qkv.bias!.data).every((v) => v === 0)).toBe(true);
    const fc2Bias = Array.from(model.blocks[0]!.fc2.bias!.data);
    expect(fc2Bias.some((v) => v !== 0) && fc2Bias.every((v) => Math.abs(v) <= 1 / Math.sqrt(32))).toBe(true);
  });

  it('drops attention probabilities and feed-forward activations only where asked', () => {
    const { inputs, keyMask } = paddedBatch([Int32Array.of(1, 2, 3), Int32Array.of(4)], numItems, 6);
    const hiddenOf = (options: { attentionDropout?: number; ffnDropout?: number }, training: boolean) => {
      const model = new SasRec(
        { numItems, dim: 16, layers: 2, heads: 2, maxLength: 6, dropout: 0, ...options },
        new Random(4),
      );
      model.train(training);
      return noGrad(() => Array.from(model.hidden(inputs, keyMask, new Random(1)).data));
    };
    const plain = hiddenOf({}, false);
    expect(hiddenOf({}, true)).toEqual(plain);
    expect(hiddenOf({ attentionDropout: 0.5 }, true)).not.toEqual(plain);
    expect(hiddenOf({ ffnDropout: 0.5 }, true)).not.toEqual(plain);
    expect(hiddenOf({ attentionDropout: 0.5, ffnDropout: 0.5 }, false)).toEqual(plain);
  });

  it('computes the sampled-softmax loss over the target and the batch negatives (a target among them masked)', () => {
    const model = new SasRec(
      { numItems, dim: 16, layers: 1, heads: 2, maxLength: 6, dropout: 0, negatives: 6 },
      new Random(3),
    );
    model.eval();
    const batch = nextItemBatch([Int32Array.of(1, 2, 3, 4), Int32Array.of(5, 6, 7)], model.padId, 6);
    const loss = noGrad(() => model.loss(batch, new Random(11)).item());
    const draws = new Random(11);
    const negatives = Array.from({ length: 6 }, () => draws.int(numItems));
    const expected = noGrad(() => {
      const hidden = model.hidden(batch.inputs, batch.keyMask); // [B, T, d]
      const [rows, time, dim] = hidden.shape as [number, number, number];
      const logits = matmul(reshape(hidden, [rows * time, dim]), model.itemWeights(), { transB: true });
      let total = 0;
      batch.positions.data.forEach((position, i) => {
        const target = batch.targets.data[i]!;
        const row = (item: number) => logits.data[position * numItems + item]!;
        const candidates = [target, ...negatives.filter((item) => item !== target)];
        const lse = Math.log(candidates.reduce((s, item) => s + Math.exp(row(item)), 0));
        total += lse - row(target);
      });
      return total / batch.targets.size;
    });
    expect(new Set(negatives).size).toBeGreaterThan(1);
    expect(Array.from(batch.targets.data).some((target) => negatives.includes(target))).toBe(true);
    expect(loss).toBeCloseTo(expected, 5);
  });

  it('saves and loads a model that scores identically', async () => {
    const recommender = new SasRecRecommender({
      dim: 16,
      heads: 2,
      maxLength: 6,
      epochs: 3,
      batchSize: 2,
      positions: 'newest',
      embeddingScale: 'sqrt-dim',
      init: 'xavier',
      schedule: 'constant',
      beta2: 0.98,
    });
    await recommender.fit(
      { numUsers: sequences.length, numItems, sequences },
      { random: new Random(8), logger: silentLogger, progress: silentProgress },
    );
    const path = join(folder, 'sasrec.safetensors');
    await recommender.save(path);
    const loaded = await SasRecRecommender.load(path);
    expect(loaded.model.config).toMatchObject({ positions: 'newest', scaleEmbeddings: true, init: 'xavier' });
    const histories = sequences.map((sequence) => sequence.subarray(0, 3));
    expect(scoresOf(loaded.model, histories)).toEqual(scoresOf(recommender.model, histories));
    const one = new Float32Array(numItems);
    const other = new Float32Array(numItems);
    recommender.score(0, histories[0]!, one);
    loaded.score(0, histories[0]!, other);
    expect(other).toEqual(one);
  });

  it('chooses its epoch count on validation and refits for exactly that many epochs', async () => {
    const fit = sequences.map((sequence) => sequence.subarray(0, 4));
    const validation: EvalPhase = {
      name: 'validation',
      fit,
      history: fit,
      exclude: fit,
      targets: sequences.map((sequence) => sequence.subarray(4)),
    };
    const params = { dim: 16, heads: 2, maxLength: 6, batchSize: 2, epochs: 30, patience: 2, dropout: 0 };
    const first = new SasRecRecommender(params);
    const result = await first.fit(
      { numUsers: 4, numItems, sequences: fit },
      { random: new Random(9), logger: silentLogger, progress: silentProgress, validation },
    );
    const chosen = result?.chosen?.epochs;
    expect(chosen).toBe(first.training?.bestEpoch);
    expect(chosen).toBeGreaterThanOrEqual(1);
    expect(result?.chosen?.decayEpochs).toBe(30);
    const refit = new SasRecRecommender({ ...params, ...result?.chosen });
    await refit.fit(
      { numUsers: 4, numItems, sequences },
      { random: new Random(9), logger: silentLogger, progress: silentProgress },
    );
    expect(refit.training?.epochs).toBe(chosen);
    expect(refit.training?.history.every((record) => record.metric === undefined)).toBe(true);
  });
});
