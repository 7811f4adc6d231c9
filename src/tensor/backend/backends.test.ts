import { afterAll, describe, expect, it } from 'vitest';
import { Random } from '../../core/index.js';
import { TinyTransformer } from '../bench/models.js';
import { IntTensor, intTensor } from '../int-tensor.js';
import { attention, selfAttention } from '../ops/attention.js';
import { concat } from '../ops/concat.js';
import { dropout } from '../ops/dropout.js';
import { add, mul } from '../ops/elementwise.js';
import { embedding } from '../ops/embedding.js';
import { linear } from '../ops/linear.js';
import { binaryCrossEntropyWithLogits, crossEntropy } from '../ops/loss.js';
import { matmul } from '../ops/matmul.js';
import { layerNorm, rmsNorm } from '../ops/norm.js';
import { mean, sum } from '../ops/reduce.js';
import { logSoftmax, softmax } from '../ops/softmax.js';
import { reshape } from '../ops/view.js';
import { AdamW } from '../optim/adamw.js';
import { clipGradNorm } from '../optim/clip.js';
import { backward } from '../tape.js';
import { randn, type Tensor, tensor } from '../tensor.js';
import { availableBackends, type BackendName, kernels, useBackend } from './select.js';

/**
 * The native kernels against the TypeScript reference. Stated tolerance, per
 * tensor: |native - ts| <= 1e-4 * max|ts| + 1e-6 for every element (norm-wise:
 * BLAS and the ts loops sum in different orders, native reductions run in float32
 * with a polynomial exp, ts mostly in float64 with Math.exp). A full training step:
 * the same tolerance on losses and gradients.
 */
const RTOL = 1e-4;
const ATOL = 1e-6;

function expectClose(
  actual: Float32Array,
  expected: Float32Array,
  what: string,
  rtol = RTOL,
  atol = ATOL,
): void {
  expect(actual.length, what).toBe(expected.length);
  let scale = 0;
  for (const v of expected) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (a === e) continue;
    if (!(Math.abs(a - e) <= atol + rtol * scale))
      expect.fail(`${what}[${i}]: native ${a}, ts ${e} (scale ${scale})`);
  }
}

interface Case {
  name: string;
  inputs: (random: Random) => Tensor[];
  run: (inputs: Tensor[]) => Tensor;
}

const cases: Case[] = [
  {
    // Large enough for every native kernel to split its work across the thread pool.
    name: 'a transformer-sized layer (parallel kernels)',
    inputs: (r) => [
      randn([16, 40, 64], r, { requiresGrad: true }),
      randn([64, 192], r, { requiresGrad: true, std: 0.2 }),
      randn([192], r, { requiresGrad: true }),
      randn([64], r, { requiresGrad: true }),
      randn([64, 600], r, { requiresGrad: true, std: 0.2 }),
    ],
    run: ([x, w, b, g, head]) => {
      const h = layerNorm(x!, g!, g!); // [16, 40, 64]
      const qkv = linear(h, w!, b!, 'gelu'); // [16, 40, 192]
      const y = add(selfAttention(qkv, { heads: 4, causal: true }), rmsNorm(h, g!)); // [16, 40, 64]
      const logits = matmul(y, head!); // [16, 40, 600]
      const targets = intTensor(
        Array.from({ length: 640 }, (_, i) => (i * 31) % 600),
        [16, 40],
      );
      const pooled = mean(y, 1); // [16, 64]
      return add(
        add(crossEntropy(logits, targets, { labelSmoothing: 0.05 }), sum(mul(y, y))),
        sum(mul(pooled, pooled)),
      );
    },
  },
  {
    name: 'matmul (all transposes, batched, shared weight)',
    inputs: (r) => [
      randn([3, 33, 17], r, { requiresGrad: true }),
      randn([17, 29], r, { requiresGrad: true }),
    ],
    run: ([a, b]) => {
      const x = matmul(a!, b!); // [3, 33, 29]
      const y = matmul(x, x, { transA: true }); // [3, 29, 29]
      return add(matmul(y, y, { transB: true }), matmul(y, y, { transA: true, transB: true }));
    },
  },
  {
    name: 'linear + bias + activations',
    inputs: (r) => [
      randn([4, 9, 16], r, { requiresGrad: true }),
      randn([16, 24], r, { requiresGrad: true, std: 0.3 }),
      randn([24], r, { requiresGrad: true }),
    ],
    run: ([x, w, b]) =>
      add(
        add(linear(x!, w!, b!, 'gelu'), linear(x!, w!, b!, 'relu')),
        add(linear(x!, w!, b!, 'silu'), linear(x!, w!, b!, 'sigmoid')),
      ),
  },
  {
    name: 'LayerNorm, RMSNorm',
    inputs: (r) => [
      randn([10, 37], r, { requiresGrad: true, std: 3 }),
      randn([37], r, { requiresGrad: true }),
      randn([37], r, { requiresGrad: true }),
    ],
    run: ([x, g, b]) => add(layerNorm(x!, g!, b!), rmsNorm(x!, g!)),
  },
  {
    name: 'masked softmax and log-softmax',
    inputs: (r) => [randn([6, 5, 13], r, { requiresGrad: true, std: 4 })],
    run: ([x]) => {
      const mask = Uint8Array.from({ length: 13 }, (_, i) => (i % 4 === 1 ? 0 : 1));
      const ls = logSoftmax(x!, { mask });
      const finite = tensor(
        Array.from(ls.data, (v) => (Number.isFinite(v) ? 1 : 0)),
        ls.shape,
      );
      return add(softmax(x!, { mask }), mul(finite, softmax(x!)));
    },
  },
  {
    name: 'cross-entropy (large vocabulary, smoothing, ignore)',
    inputs: (r) => [randn([12, 3001], r, { requiresGrad: true, std: 2 })],
    run: ([x]) => {
      const targets = intTensor(Array.from({ length: 12 }, (_, i) => (i === 4 ? -100 : (i * 977) % 3001)));
      return add(crossEntropy(x!, targets, { labelSmoothing: 0.1 }), crossEntropy(x!, targets));
    },
  },
  {
    name: 'BCE with logits',
    inputs: (r) => [randn([7, 5], r, { requiresGrad: true, std: 3 })],
    run: ([x]) =>
      binaryCrossEntropyWithLogits(
        x!,
        tensor(
          Array.from({ length: 35 }, (_, i) => i % 2),
          [7, 5],
        ),
      ),
  },
  {
    name: 'embedding scatter-add with repeated ids (parallel)',
    inputs: (r) => [randn([100, 64], r, { requiresGrad: true })],
    run: ([w]) =>
      embedding(
        w!,
        intTensor(
          Array.from({ length: 2000 }, (_, i) => (i * 13) % 100),
          [40, 50],
        ),
      ),
  },
  {
    name: 'embedding gather / scatter-add',
    inputs: (r) => [randn([50, 16], r, { requiresGrad: true })],
    run: ([w]) =>
      embedding(
        w!,
        intTensor(
          Array.from({ length: 60 }, (_, i) => (i * 7) % 50),
          [4, 15],
        ),
      ),
  },
  {
    name: 'attention (packed causal, cross with padding)',
    inputs: (r) => [
      randn([3, 11, 24], r, { requiresGrad: true }),
      randn([3, 7, 8], r, { requiresGrad: true }),
      randn([3, 9, 8], r, { requiresGrad: true }),
    ],
    run: ([qkv, q, kv]) => {
      const keyMask = Uint8Array.from({ length: 27 }, (_, i) => (i % 5 === 3 ? 0 : 1));
      const self = selfAttention(qkv!, { heads: 2, causal: true }); // [3, 11, 8]
      const cross = attention(q!, kv!, kv!, { heads: 4, keyMask, causal: true }); // [3, 7, 8]
      return concat([reshape(self, [-1]), reshape(cross, [-1])]);
    },
  },
];

function runCase(backend: BackendName, c: Case): { output: Float32Array; grads: Float32Array[] } {
  useBackend(backend);
  const inputs = c.inputs(new Random(21));
  const out = c.run(inputs);
  const weights = randn(out.shape, new Random(5));
  backward(out, weights.data);
  return { output: out.data, grads: inputs.map((t) => t.grad ?? new Float32Array(0)) };
}

const hasNative = availableBackends().includes('native');

describe.runIf(hasNative)('native kernels agree with the ts reference', () => {
  afterAll(() => {
    useBackend();
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const reference = runCase('ts', c);
    const native = runCase('native', c);
    expectClose(native.output, reference.output, `${c.name} output`);
    for (const [i, g] of native.grads.entries())
      expectClose(g, reference.grads[i]!, `${c.name} grad ${i}`, RTOL, 1e-4);
  });

  it('agrees on full training steps (forward, backward, clipping, AdamW)', () => {
    const train = (backend: BackendName): { losses: number[]; grads: Float32Array[] } => {
      useBackend(backend);
      const config = { vocab: 40, classes: 30, dim: 32, heads: 4, layers: 2, ffnDim: 64, maxLength: 12 };
      const model = new TinyTransformer(config, new Random(3));
      const random = new Random(4);
      const ids = new IntTensor(
        Int32Array.from({ length: 4 * 12 }, () => random.int(40)),
        [4, 12],
      );
      const targets = new IntTensor(
        Int32Array.from({ length: 4 }, () => random.int(30)),
        [4],
      );
      const optimizer = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.1 });
      const losses: number[] = [];
      let grads: Float32Array[] = [];
      for (let i = 0; i < 3; i++) {
        optimizer.zeroGrad();
        const loss = crossEntropy(model.lastLogits(model.hidden(ids)), targets);
        losses.push(loss.item());
        backward(loss);
        if (i === 0) grads = model.parameters().map((p) => Float32Array.from(p.grad!));
        clipGradNorm(model.parameters(), 1);
        optimizer.step();
      }
      return { losses, grads };
    };
    const reference = train('ts');
    const native = train('native');
    expectClose(Float32Array.from(native.losses), Float32Array.from(reference.losses), 'losses');
    for (const [i, g] of native.grads.entries())
      expectClose(g, reference.grads[i]!, `gradient of parameter ${i}`);
  });
});

describe.runIf(hasNative)('native kernel argument checks', () => {
  it('throws a RangeError instead of touching memory out of bounds', () => {
    useBackend('native');
    const k = kernels();
    const small = new Float32Array(4);
    expect(() => k.axpy(1, new Float32Array(8), small)).toThrow(RangeError);
    expect(() => k.layerNorm(small, null, null, small, small, small, 2, 4, 1e-5)).toThrow(/shorter/);
    expect(() =>
      k.gemm({
        transA: false,
        transB: false,
        m: 4,
        n: 4,
        k: 4,
        alpha: 1,
        beta: 0,
        a: new Float32Array(16),
        aOffset: 0,
        lda: 4,
        aStride0: 0,
        aStride1: 0,
        b: new Float32Array(16),
        bOffset: 0,
        ldb: 4,
        bStride0: 0,
        bStride1: 0,
        c: new Float32Array(15),
        cOffset: 0,
        ldc: 4,
        cStride0: 0,
        cStride1: 0,
        batch0: 1,
        batch1: 1,
      }),
    ).toThrow(/sgemm C/);
    expect(() => k.gather(new Float32Array(8), Int32Array.of(0, 5), new Float32Array(8), 4)).toThrow(
      /out of range/,
    );
  });
});

describe('dropout draws the source stream on every backend', () => {
  afterAll(() => {
    useBackend();
  });

  it.each(availableBackends().map((name) => [name] as const))(
    '%s: element i is dropped iff the i-th next() < p, survivors scaled by 1 / (1 - p), the source advanced',
    (backend) => {
      useBackend(backend);
      const p = 0.3;
      const x = randn([7, 301], new Random(2), { requiresGrad: true });
      const source = new Random(99);
      const out = dropout(x, p, source);
      const reference = new Random(99);
      const keep = Math.fround(1 / (1 - p));
      let dropped = 0;
      for (let i = 0; i < x.size; i++) {
        const gone = reference.next() < p;
        if (gone) dropped++;
        expect(out.data[i], `element ${i}`).toBe(
          gone ? x.data[i]! * 0 : Math.fround(x.data[i]! * (1 / (1 - p))),
        );
      }
      expect(dropped / x.size).toBeGreaterThan(0.25);
      expect(dropped / x.size).toBeLessThan(0.35);
      // The source continues where the reference is: the same next draws.
      expect([source.nextUint32(), source.nextUint32()]).toEqual([
        reference.nextUint32(),
        reference.nextUint32(),
      ]);
      // The gradient flows through the same mask.
      backward(out, new Float32Array(x.size).fill(1));
      for (let i = 0; i < x.size; i++)
        expect(x.grad![i]).toBe(out.data[i] === 0 && x.data[i] !== 0 ? 0 : keep);
    },
  );
});
