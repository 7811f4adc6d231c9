import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../core/index.js';
import { useBackend } from '../backend/select.js';
import { TinyTransformer } from '../bench/models.js';
import { IntTensor } from '../int-tensor.js';
import { mul } from '../ops/elementwise.js';
import { crossEntropy } from '../ops/loss.js';
import { backward, tapeLength } from '../tape.js';
import { tensor } from '../tensor.js';
import { testBackends } from '../test-support/backends.js';
import { AdamW } from './adamw.js';
import { clipGradNorm } from './clip.js';
import { warmupCosine } from './schedule.js';

/** gc() without --expose-gc: enable the flag at run time and fetch the function from a fresh context. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const config = { vocab: 24, classes: 12, dim: 32, heads: 2, layers: 2, ffnDim: 64, maxLength: 8 };

function batch(seed: number, size: number): { ids: IntTensor; targets: IntTensor } {
  const random = new Random(seed);
  const ids = new IntTensor(
    Int32Array.from({ length: size * config.maxLength }, () => random.int(config.vocab)),
    [size, config.maxLength],
  );
  const targets = new IntTensor(
    Int32Array.from({ length: size }, () => random.int(config.classes)),
    [size],
  );
  return { ids, targets };
}

function trainer(seed: number, lr = 3e-3) {
  const model = new TinyTransformer(config, new Random(seed));
  const optimizer = new AdamW(model.parameters(), { lr, weightDecay: 0.01 });
  const loss = (ids: IntTensor, targets: IntTensor) =>
    crossEntropy(model.lastLogits(model.hidden(ids)), targets);
  const step = (ids: IntTensor, targets: IntTensor): number => {
    optimizer.zeroGrad();
    const value = loss(ids, targets);
    backward(value);
    clipGradNorm(model.parameters(), 1);
    optimizer.step();
    return value.item();
  };
  return { model, optimizer, loss, step };
}

describe.each(testBackends())('training on the %s backend', (backend) => {
  beforeAll(() => {
    useBackend(backend);
  });

  it('overfits one batch of a tiny transformer to near-zero loss', () => {
    const { ids, targets } = batch(1, 8);
    const t = trainer(2, 1e-2);
    const losses: number[] = [];
    for (let i = 0; i < 150; i++) losses.push(t.step(ids, targets));
    expect(losses[0]).toBeGreaterThan(1.5);
    expect(losses.at(-1)).toBeLessThan(0.02);
  });

  it('reproduces the loss curve bit for bit from the same seed', () => {
    const { ids, targets } = batch(3, 4);
    const run = (): number[] => {
      const t = trainer(5);
      return Array.from({ length: 15 }, () => t.step(ids, targets));
    };
    expect(run()).toEqual(run());
  });

  it('accumulates gradients over micro-batches like one large batch', () => {
    const { ids, targets } = batch(4, 4);
    const full = trainer(6);
    backward(full.loss(ids, targets));
    const micro = trainer(6);
    for (const half of [0, 1]) {
      const rows = config.maxLength * 2;
      const part = new IntTensor(ids.data.slice(half * rows, (half + 1) * rows), [2, config.maxLength]);
      const labels = new IntTensor(targets.data.slice(half * 2, half * 2 + 2), [2]);
      backward(mul(micro.loss(part, labels), 0.5));
    }
    const a = full.model.parameters();
    micro.model.parameters().forEach((p, i) => {
      const expected = a[i]!.grad!;
      p.grad!.forEach((g, j) => {
        expect(Math.abs(g - expected[j]!)).toBeLessThan(1e-5 + 1e-4 * Math.abs(expected[j]!));
      });
    });
  });

  it('keeps resident memory flat over 1,000 training steps', () => {
    const { ids, targets } = batch(7, 4);
    const t = trainer(8);
    for (let i = 0; i < 300; i++) t.step(ids, targets);
    const samples: NodeJS.MemoryUsage[] = [];
    for (let i = 0; i <= 1000; i++) {
      if (i % 250 === 0) {
        collectGarbage();
        samples.push(process.memoryUsage());
      }
      if (i < 1000) t.step(ids, targets);
    }
    expect(tapeLength()).toBe(0);
    const mb = (bytes: number): number => bytes / 2 ** 20;
    const [first, , middle, , last] = samples as [
      NodeJS.MemoryUsage,
      unknown,
      NodeJS.MemoryUsage,
      unknown,
      NodeJS.MemoryUsage,
    ];
    // A leaked tape or buffer would add ~0.4 MB per step here, i.e. ~200 MB per half.
    expect(mb(last.heapUsed - first.heapUsed)).toBeLessThan(4);
    // RSS may still settle early on (JIT code, heap pages V8 keeps committed); the second half must be flat.
    expect(mb(last.rss - middle.rss)).toBeLessThan(16);
    expect(mb(last.rss - first.rss)).toBeLessThan(48);
  }, 120_000);
});

describe('AdamW', () => {
  it('matches the reference update with decoupled weight decay', () => {
    useBackend('ts');
    const p = tensor([1, -2, 0.5], [3], { requiresGrad: true });
    const optimizer = new AdamW([p], { lr: 0.1, weightDecay: 0.5, noDecay: () => false });
    const grads = [
      [0.1, -0.2, 0.3],
      [0.05, 0.1, -0.3],
    ];
    const ref = [1, -2, 0.5];
    const m = [0, 0, 0];
    const v = [0, 0, 0];
    grads.forEach((g, step) => {
      p.grad = Float32Array.from(g);
      optimizer.step();
      for (let i = 0; i < 3; i++) {
        m[i] = 0.9 * m[i]! + 0.1 * g[i]!;
        v[i] = 0.999 * v[i]! + 0.001 * g[i]! ** 2;
        const mHat = m[i]! / (1 - 0.9 ** (step + 1));
        const vHat = v[i]! / (1 - 0.999 ** (step + 1));
        ref[i] = ref[i]! * (1 - 0.1 * 0.5) - (0.1 * mHat) / (Math.sqrt(vHat) + 1e-8);
      }
    });
    for (const [i, value] of p.data.entries()) expect(value).toBeCloseTo(ref[i]!, 5);
    expect(optimizer.stepCount).toBe(2);
  });

  it('skips decay on 1-D parameters by default', () => {
    const bias = tensor([1, 1], [2], { requiresGrad: true });
    bias.grad = new Float32Array(2);
    new AdamW([bias], { lr: 0.1, weightDecay: 1 }).step();
    expect(Array.from(bias.data)).toEqual([1, 1]);
  });
});

describe('gradient clipping and schedule', () => {
  it('clips the global norm', () => {
    const a = tensor([0, 0], [2], { requiresGrad: true });
    const b = tensor([0], [1], { requiresGrad: true });
    a.grad = Float32Array.of(3, 0);
    b.grad = Float32Array.of(4);
    expect(clipGradNorm([a, b], 1)).toBeCloseTo(5, 6);
    expect(a.grad[0]).toBeCloseTo(0.6, 5);
    expect(b.grad[0]).toBeCloseTo(0.8, 5);
    expect(clipGradNorm([a, b], 10)).toBeCloseTo(1, 4);
    expect(b.grad[0]).toBeCloseTo(0.8, 5);
  });

  it('warms up linearly then decays along a cosine', () => {
    const lr = warmupCosine({ peakLr: 1, warmupSteps: 10, totalSteps: 110, minLr: 0.1 });
    expect(lr(0)).toBeCloseTo(0.1);
    expect(lr(9)).toBeCloseTo(1);
    expect(lr(10)).toBeCloseTo(1);
    expect(lr(60)).toBeCloseTo(0.55);
    expect(lr(110)).toBeCloseTo(0.1);
    expect(lr(500)).toBeCloseTo(0.1);
    expect(() => warmupCosine({ peakLr: 1, warmupSteps: 5, totalSteps: 5 })).toThrow(RangeError);
  });
});
