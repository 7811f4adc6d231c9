import { beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../core/index.js';
import { useBackend } from '../backend/select.js';
import { TinyTransformer } from '../bench/models.js';
import { decodeWithCache } from '../bench/workloads.js';
import { IntTensor, intTensor } from '../int-tensor.js';
import { noGrad } from '../tape.js';
import { testBackends } from '../test-support/backends.js';
import { withoutPool } from '../test-support/pool.js';
import { BeamKVCache, KVCache } from './kv-cache.js';

describe.each(testBackends())('KV-cache decoding on the %s backend', (backend) => {
  beforeAll(() => {
    useBackend(backend);
  });

  it('matches a full causal forward at every position', () => {
    const config = { vocab: 30, classes: 17, dim: 24, heads: 3, layers: 2, ffnDim: 48, maxLength: 9 };
    const model = new TinyTransformer(config, new Random(1));
    const random = new Random(2);
    const [batch, time] = [2, 9];
    const ids = new IntTensor(
      Int32Array.from({ length: batch * time }, () => random.int(30)),
      [batch, time],
    );
    const stepwise = decodeWithCache(model, ids);
    for (let t = 0; t < time; t++) {
      const prefix = new Int32Array(batch * (t + 1));
      for (let b = 0; b < batch; b++) prefix.set(ids.data.subarray(b * time, b * time + t + 1), b * (t + 1));
      const full = noGrad(() => model.lastLogits(model.hidden(new IntTensor(prefix, [batch, t + 1]))));
      for (const [i, v] of full.data.entries()) expect(Math.abs(v - stepwise[t]![i]!)).toBeLessThan(1e-4);
    }
  });

  it('treats padded keys as invisible', () => {
    const config = { vocab: 30, classes: 5, dim: 16, heads: 2, layers: 1, ffnDim: 32, maxLength: 6 };
    const model = new TinyTransformer(config, new Random(3));
    // Left padding: positions 0-1 of row 0 hold junk that the mask hides.
    const a = intTensor([7, 8, 1, 2, 3, 4], [1, 6]);
    const b = intTensor([9, 9, 1, 2, 3, 4], [1, 6]);
    const keyMask = Uint8Array.from([0, 0, 1, 1, 1, 1]);
    const la = noGrad(() => model.lastLogits(model.hidden(a, { keyMask })));
    const lb = noGrad(() => model.lastLogits(model.hidden(b, { keyMask })));
    for (const [i, v] of la.data.entries()) expect(v).toBeCloseTo(lb.data[i]!, 5);
  });

  it('decodes beams over a shared context as a full forward of each beam does, across reorders', () => {
    const config = { vocab: 30, classes: 11, dim: 24, heads: 3, layers: 2, ffnDim: 48, maxLength: 12 };
    const model = new TinyTransformer(config, new Random(4));
    const context = [5, 9, 2, 14, 7];
    const caches = model.blocks.map(() => new KVCache(1, context.length, config.dim));
    noGrad(() => model.hidden(new IntTensor(Int32Array.from(context), [1, context.length]), { caches }));
    const beams = caches.map((cache) => new BeamKVCache(cache, 4));
    // Step 1: one beam becomes three; step 2 keeps beams 2, 0, 2 (a repeat) of those;
    // steps 3 and 4 reorder into the two buffers the cache now swaps between.
    const paths: number[][] = [[]];
    const buffers: ArrayBufferLike[] = [];
    for (const [parents, tokens] of [
      [
        [0, 0, 0],
        [3, 8, 21],
      ],
      [
        [2, 0, 2],
        [1, 6, 29],
      ],
      [
        [1, 1, 0],
        [4, 17, 10],
      ],
      [
        [2, 0, 1],
        [7, 3, 3],
      ],
    ] as const) {
      for (const cache of beams) cache.reorder(Int32Array.from(parents));
      buffers.push(beams[0]!.keys.buffer);
      const next = parents.map((parent, i) => [...paths[parent]!, tokens[i]!]);
      paths.splice(0, paths.length, ...next);
      const stepwise = noGrad(() =>
        model.lastLogits(
          model.hidden(new IntTensor(Int32Array.from(tokens), [tokens.length, 1]), { caches: beams }),
        ),
      );
      paths.forEach((path, beam) => {
        const ids = Int32Array.from([...context, ...path]);
        const full = noGrad(() => model.lastLogits(model.hidden(new IntTensor(ids, [1, ids.length]))));
        for (const [i, v] of full.data.entries())
          expect(Math.abs(v - stepwise.data[beam * config.classes + i]!)).toBeLessThan(1e-4);
      });
    }
    // Steps 3 and 4 wrote into the buffers of steps 1 and 2: no new arrays once two exist.
    expect(buffers[2]).toBe(buffers[0]);
    expect(buffers[3]).toBe(buffers[1]);
    expect(buffers[1]).not.toBe(buffers[0]);
    expect(() => beams[0]!.reorder(Int32Array.from([3]))).toThrow(/parent 3 of beam 0/);
  });
});

describe('KV-cache buffers', () => {
  it('go back to the buffer pool on release, where the next caches of the same shape find them', () => {
    // Two reorders to 10 beams fill both buffer pairs ([10, 4, 32] each, pooled sizes).
    const buffersOf = (context: KVCache, beams: BeamKVCache): Set<ArrayBufferLike> => {
      const seen = new Set<ArrayBufferLike>([context.keys.buffer, context.values.buffer]);
      for (const parents of [new Int32Array(10), Int32Array.from({ length: 10 }, (_, i) => i)]) {
        beams.reorder(parents);
        seen.add(beams.keys.buffer).add(beams.values.buffer);
      }
      return seen;
    };
    const context = new KVCache(1, 64, 32);
    const beams = new BeamKVCache(context, 4);
    const used = buffersOf(context, beams);
    expect(used.size).toBe(6);
    beams.release();
    context.release();
    context.release(); // twice is harmless: each array is lent once
    expect(() => context.appendPacked(new Float32Array(96), 1)).toThrow(/after release/);
    expect(() => beams.reorder(new Int32Array(10))).toThrow(/after release/);
    const nextContext = new KVCache(1, 64, 32);
    expect(buffersOf(nextContext, new BeamKVCache(nextContext, 4))).toEqual(used);
    // Lent once: a third cache gets fresh arrays.
    expect(used.has(new KVCache(1, 64, 32).keys.buffer)).toBe(false);
  });

  it('start zero-filled, and are fresh arrays with the pool off', () => {
    const dirty = new KVCache(1, 64, 32);
    dirty.keys.fill(3);
    dirty.release();
    expect(new KVCache(1, 64, 32).keys.every((value) => value === 0)).toBe(true);
    withoutPool(() => {
      const cache = new KVCache(1, 64, 32);
      const buffer = cache.keys.buffer;
      cache.release();
      expect(new KVCache(1, 64, 32).keys.buffer).not.toBe(buffer);
    });
  });
});
