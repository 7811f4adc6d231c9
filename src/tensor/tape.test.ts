import { describe, expect, it } from 'vitest';
import { add, mul } from './ops/elementwise.js';
import { sum } from './ops/reduce.js';
import { reshape } from './ops/view.js';
import { backward, clearTape, noGrad, tapeLength } from './tape.js';
import { tensor, tidy } from './tensor.js';

describe('gradient tape', () => {
  it('records only ops on tensors that require grad, and not under noGrad', () => {
    const a = tensor([1, 2], [2], { requiresGrad: true });
    const c = tensor([3, 4], [2]);
    add(c, c);
    expect(tapeLength()).toBe(0);
    noGrad(() => add(a, c));
    expect(tapeLength()).toBe(0);
    add(a, c);
    expect(tapeLength()).toBe(1);
    clearTape();
    expect(tapeLength()).toBe(0);
  });

  it('frees the tape and intermediate gradients; leaves accumulate until zeroed', () => {
    const a = tensor([1, 2], [2], { requiresGrad: true });
    const h = mul(a, a); // [2]
    const loss = sum(h);
    backward(loss);
    expect(tapeLength()).toBe(0);
    expect(h.grad).toBeNull();
    expect(Array.from(a.grad!)).toEqual([2, 4]);
    backward(sum(mul(a, a)));
    expect(Array.from(a.grad!)).toEqual([4, 8]);
    a.zeroGrad();
    expect(Array.from(a.grad!)).toEqual([0, 0]);
  });

  it('handles a tensor used twice (x * x, x + x)', () => {
    const x = tensor([3], [1], { requiresGrad: true });
    backward(sum(add(mul(x, x), add(x, x))));
    expect(x.grad![0]).toBe(8);
  });

  it('refuses a non-scalar loss without gradOutput', () => {
    const a = tensor([1, 2], [2], { requiresGrad: true });
    expect(() => backward(mul(a, a))).toThrow(/scalar/);
    clearTape();
    expect(() => backward(tensor([1], []))).toThrow(/does not depend/);
  });
});

describe('tidy', () => {
  it('recycles intermediates but keeps returned tensors and recorded ones', () => {
    const x = tensor(new Float32Array(4096).fill(1), [64, 64]);
    let inner: ReturnType<typeof add> | undefined;
    const kept = noGrad(() =>
      tidy(() => {
        inner = mul(x, x);
        return { sum: add(inner, x) };
      }),
    );
    expect(kept.sum.data[0]).toBe(2);
    expect(inner!.isReleased).toBe(true);
    expect(() => inner!.data).toThrow(/released/);
    const w = tensor(new Float32Array(4096).fill(2), [64, 64], { requiresGrad: true });
    const recorded = tidy(() => {
      const h = mul(w, w);
      return sum(h);
    });
    backward(recorded);
    expect(w.grad![0]).toBe(4);
  });
});

describe('releasing the graph after backward', () => {
  it('makes views and in-place outputs of recycled buffers unreadable, never silently stale', () => {
    const w = tensor(new Float32Array(64 * 64).fill(0.5), [64, 64], { requiresGrad: true });
    const x = tensor(new Float32Array(64 * 64).fill(1), [64, 64]);
    const h = mul(x, w); // owns its buffer
    const view = reshape(h, [4096]); // shares it
    const loss = sum(view);
    backward(loss);
    expect(loss.item()).toBe(2048);
    expect(h.isReleased).toBe(true);
    expect(() => view.data).toThrow(/released/);
  });

  it('keeps everything with releaseActivations: false', () => {
    const w = tensor(new Float32Array(4096).fill(0.5), [64, 64], { requiresGrad: true });
    const h = mul(w, w);
    backward(sum(h), undefined, { releaseActivations: false });
    expect(h.data[0]).toBe(0.25);
  });
});
