import { beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../core/index.js';
import { useBackend } from '../backend/select.js';
import { intTensor } from '../int-tensor.js';
import { randn, type Tensor, tensor } from '../tensor.js';
import { testBackends } from '../test-support/backends.js';
import { gradCheck } from '../test-support/gradcheck.js';
import { biasActivation, gelu, relu, sigmoid, silu } from './activation.js';
import { attention, selfAttention } from './attention.js';
import { concat, split } from './concat.js';
import { dropout } from './dropout.js';
import { add, div, mul, sub } from './elementwise.js';
import { embedding } from './embedding.js';
import { linear } from './linear.js';
import { binaryCrossEntropyWithLogits, crossEntropy } from './loss.js';
import { matmul } from './matmul.js';
import { layerNorm, rmsNorm } from './norm.js';
import { max, mean, sum } from './reduce.js';
import { logSoftmax, softmax } from './softmax.js';
import { reshape, slice, transpose } from './view.js';

const param = (shape: number[], random: Random, std = 1): Tensor =>
  randn(shape, random, { std, requiresGrad: true });

/** Finite-difference gradient checks of every op, on every available backend. */
describe.each(testBackends())('gradients on the %s backend', (backend) => {
  beforeAll(() => {
    useBackend(backend);
  });
  const random = new Random(11);

  it('matmul in every transpose mode, batched and with a shared weight', () => {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const a = param(transA ? [2, 4, 3] : [2, 3, 4], random);
        const b = param(transB ? [2, 5, 4] : [2, 4, 5], random);
        gradCheck(() => matmul(a, b, { transA, transB }), [a, b]);
        const w = param(transB ? [5, 4] : [4, 5], random);
        gradCheck(() => matmul(a, w, { transA, transB }), [a, w]);
        const shared = param(transA ? [4, 3] : [3, 4], random);
        gradCheck(() => matmul(shared, b, { transA, transB }), [shared, b]);
      }
    }
  });

  it('broadcasting add, sub, mul, div', () => {
    const a = param([2, 3, 4], random);
    const row = param([4], random);
    const col = param([2, 1, 4], random);
    const same = param([2, 3, 4], random);
    const positive = randn([3, 1], random, { requiresGrad: true });
    positive.data.forEach((v, i) => {
      positive.data[i] = 1 + Math.abs(v);
    });
    gradCheck(() => add(a, row), [a, row]);
    gradCheck(() => sub(a, col), [a, col]);
    gradCheck(() => mul(a, same), [a, same]);
    gradCheck(() => mul(a, col), [a, col]);
    gradCheck(() => div(a, positive), [a, positive]);
    gradCheck(() => add(a, a), [a]);
    gradCheck(() => sub(a, 2), [a]);
  });

  it('linear with bias and every activation', () => {
    const x = param([2, 3, 4], random);
    const w = param([4, 5], random, 0.5);
    const b = param([5], random);
    for (const act of ['none', 'relu', 'gelu', 'silu', 'sigmoid'] as const) {
      gradCheck(() => linear(x, w, b, act), [x, w, b]);
    }
    gradCheck(() => biasActivation(x, null, 'none'), [x]);
    for (const f of [relu, gelu, silu, sigmoid]) gradCheck(() => f(x), [x]);
  });

  it('embedding with repeated ids (scatter-add)', () => {
    const w = param([6, 3], random);
    const ids = intTensor([1, 4, 1, 0, 5, 1], [2, 3]);
    gradCheck(() => embedding(w, ids), [w]);
    expect(() => embedding(w, intTensor([6]))).toThrow(/outside the vocabulary/);
  });

  it('LayerNorm and RMSNorm', () => {
    const x = param([3, 7], random);
    const gamma = param([7], random);
    const beta = param([7], random);
    gradCheck(() => layerNorm(x, gamma, beta), [x, gamma, beta], { eps: 5e-3 });
    gradCheck(() => layerNorm(x, null, null), [x], { eps: 5e-3 });
    gradCheck(() => rmsNorm(x, gamma), [x, gamma], { eps: 5e-3 });
  });

  it('softmax and log-softmax with masks', () => {
    const x = param([2, 3, 5], random);
    const mask = Uint8Array.from([1, 0, 1, 1, 0]);
    gradCheck(() => softmax(x), [x]);
    gradCheck(() => softmax(x, { mask }), [x]);
    gradCheck(() => logSoftmax(x), [x]);
    gradCheck(() => logSoftmax(x, { mask }), [x]);
    const p = softmax(x, { mask });
    expect(p.data[1]).toBe(0);
    let rowSum = 0;
    for (let j = 0; j < 5; j++) rowSum += p.data[j]!;
    expect(rowSum).toBeCloseTo(1, 5);
    const none = softmax(x, { mask: new Uint8Array(5) });
    expect(Array.from(none.data).every((v) => v === 0)).toBe(true);
  });

  it('cross-entropy with label smoothing and ignore index', () => {
    const logits = param([5, 7], random);
    const targets = intTensor([3, 0, -100, 6, 2]);
    gradCheck(() => crossEntropy(logits, targets), [logits]);
    gradCheck(() => crossEntropy(logits, targets, { labelSmoothing: 0.1 }), [logits]);
    gradCheck(() => crossEntropy(logits, targets, { reduction: 'sum' }), [logits]);
    const uniform = crossEntropy(tensor(new Float32Array(14), [2, 7]), intTensor([1, 2]));
    expect(uniform.item()).toBeCloseTo(Math.log(7), 5);
  });

  it('sigmoid binary cross-entropy with logits', () => {
    const logits = param([4, 3], random, 2);
    const targets = tensor(
      Array.from({ length: 12 }, (_, i) => (i % 3) / 2),
      [4, 3],
    );
    gradCheck(() => binaryCrossEntropyWithLogits(logits, targets), [logits]);
  });

  it('dropout (seeded)', () => {
    const x = param([4, 6], random);
    gradCheck(() => dropout(x, 0.3, new Random(5)), [x]);
    const a = dropout(x, 0.5, new Random(9));
    const b = dropout(x, 0.5, new Random(9));
    expect(a.toArray()).toEqual(b.toArray());
  });

  it('sum, mean, max over axes', () => {
    const x = param([2, 3, 4], random);
    gradCheck(() => sum(x), [x]);
    gradCheck(() => sum(x, 1), [x]);
    gradCheck(() => mean(x, [0, 2], { keepDims: true }), [x]);
    gradCheck(() => max(x, -1), [x]);
    gradCheck(() => max(x), [x]);
  });

  it('concat, split, reshape, transpose, slice', () => {
    const a = param([2, 3, 4], random);
    const b = param([2, 2, 4], random);
    gradCheck(() => concat([a, b], 1), [a, b]);
    gradCheck(() => mul(split(a, [1, 2], 1)[1]!, split(a, [1, 2], 1)[1]!), [a]);
    gradCheck(() => reshape(a, [6, -1]), [a]);
    gradCheck(() => transpose(a, 0, 2), [a]);
    gradCheck(() => slice(a, 1, 1, 3), [a]);
    gradCheck(() => slice(a, 0, 1, 2), [a]);
  });

  it('multi-head attention with causal and padding masks', () => {
    const [bsz, time, width] = [2, 4, 6];
    const q = param([bsz, time, width], random);
    const k = param([bsz, time + 1, width], random);
    const v = param([bsz, time + 1, width], random);
    const keyMask = Uint8Array.from([1, 1, 1, 1, 1, 1, 0, 1, 1, 0]);
    gradCheck(() => attention(q, k, v, { heads: 2 }), [q, k, v]);
    gradCheck(() => attention(q, k, v, { heads: 3, causal: true, keyMask }), [q, k, v]);
    const qkv = param([bsz, time, 3 * width], random);
    gradCheck(() => selfAttention(qkv, { heads: 2, causal: true }), [qkv]);
    // Dropout on the probabilities: the same mask on every call (a fresh stream), gradients through it.
    const dropped = () => selfAttention(qkv, { heads: 2, causal: true, dropout: 0.4, random: new Random(3) });
    gradCheck(dropped, [qkv]);
    const plain = selfAttention(qkv, { heads: 2, causal: true });
    expect(Array.from(dropped().data)).not.toEqual(Array.from(plain.data));
  });
});

describe('shape errors name both shapes', () => {
  const random = new Random(1);
  it('throws RangeError with the shapes', () => {
    expect(() => matmul(randn([2, 3], random), randn([4, 5], random))).toThrow(/\[2, 3\] by \[4, 5\]/);
    expect(() => add(randn([2, 3], random), randn([4], random))).toThrow(/\[2, 3\] and \[4\]/);
    expect(() => reshape(randn([2, 3], random), [4, 2])).toThrow(/\[2, 3\] to \[4, 2\]/);
    expect(() => concat([randn([2, 3], random), randn([3, 3], random)], 1)).toThrow(RangeError);
    expect(() => crossEntropy(randn([2, 3], random), intTensor([1, 2, 0]))).toThrow(/\[2, 3\].*\[3\]/);
  });
});
