import type { Random } from '../../core/index.js';
import { recycle } from '../buffer-pool.js';
import { attentionForward, beamAttention, selfAttention } from '../ops/attention.js';
import { formatShape } from '../shape.js';
import { isGradEnabled } from '../tape.js';
import { output, type Tensor } from '../tensor.js';
import { BeamKVCache, type KVCache } from './kv-cache.js';
import { Linear } from './linear.js';
import { Module } from './module.js';

export interface AttentionCallOptions {
  /** [B, T] (no cache) or [B, cache.length + T] (with cache): 1 attend, 0 padding. */
  keyMask?: Uint8Array;
  /**
   * Decode incrementally: attend over the cached prefix plus x, then append x's
   * keys and values. A BeamKVCache takes one position per beam (x [beams, 1, C]).
   */
  cache?: KVCache | BeamKVCache;
  /** Dropout on the attention probabilities (training only, no cache); needs `random`. Default 0. */
  dropout?: number;
  random?: Random;
}

/** Multi-head causal self-attention with a packed q/k/v projection (GPT-2 layout). */
export class CausalSelfAttention extends Module {
  readonly heads: number;
  readonly qkv: Linear;
  readonly proj: Linear;

  constructor(dim: number, heads: number, random: Random) {
    super();
    if (dim % heads !== 0)
      throw new RangeError(`CausalSelfAttention: dim ${dim} is not divisible by ${heads} heads`);
    this.heads = heads;
    this.qkv = this.addModule('qkv', new Linear(dim, 3 * dim, random));
    this.proj = this.addModule('proj', new Linear(dim, dim, random));
  }

  forward(x: Tensor, options: AttentionCallOptions = {}): Tensor {
    const qkv = this.qkv.forward(x); // [B, T, 3C]
    const y =
      options.cache === undefined
        ? selfAttention(qkv, {
            heads: this.heads,
            causal: true,
            ...(options.keyMask && { keyMask: options.keyMask }),
            ...(options.dropout !== undefined && { dropout: options.dropout }),
            ...(options.random !== undefined && { random: options.random }),
          })
        : options.cache instanceof BeamKVCache
          ? this.beamCached(qkv, options.cache, options.keyMask) // [beams, 1, C]
          : this.cached(qkv, options.cache, options.keyMask); // [B, T, C]
    return this.proj.forward(y); // [B, T, C]
  }

  /** Inference only: queries of x over cached keys plus x's own. */
  private cached(qkv: Tensor, cache: KVCache, keyMask: Uint8Array | undefined): Tensor {
    if (isGradEnabled() && qkv.requiresGrad)
      throw new RangeError('CausalSelfAttention: use the KV cache under noGrad');
    const [batch, steps, packed] = qkv.shape as [number, number, number];
    const width = packed / 3;
    if (batch !== cache.batch || width !== cache.width) {
      throw new RangeError(
        `CausalSelfAttention: input ${formatShape(qkv.shape)} does not match the cache [${cache.batch}, *, ${cache.width * 3}]`,
      );
    }
    const past = cache.length;
    cache.appendPacked(qkv.data, steps);
    const tk = past + steps;
    if (keyMask !== undefined && keyMask.length !== batch * tk) {
      throw new RangeError(
        `CausalSelfAttention: keyMask has ${keyMask.length} values, expected [${batch}, ${tk}]`,
      );
    }
    const out = output([batch, steps, width]);
    const cacheRows = cache.maxLength * width;
    const probs = attentionForward(
      { data: qkv.data, offset: 0, rowStride: packed, batchStride: steps * packed },
      { data: cache.keys, offset: 0, rowStride: width, batchStride: cacheRows },
      { data: cache.values, offset: 0, rowStride: width, batchStride: cacheRows },
      { data: out.data, offset: 0, rowStride: width, batchStride: steps * width },
      {
        batch,
        heads: this.heads,
        tq: steps,
        tk,
        headDim: width / this.heads,
        causalOffset: past,
        keyMask: keyMask ?? null,
        dropMask: null,
      },
    );
    recycle(probs);
    return out;
  }

  /** Inference only: one new position per beam over the shared context plus the beam's own positions. */
  private beamCached(qkv: Tensor, cache: BeamKVCache, keyMask: Uint8Array | undefined): Tensor {
    if (isGradEnabled() && qkv.requiresGrad)
      throw new RangeError('CausalSelfAttention: use the KV cache under noGrad');
    const [beams, steps, packed] = qkv.shape as [number, number, number];
    const width = packed / 3;
    if (beams !== cache.beams || steps !== 1 || width !== cache.width || keyMask !== undefined) {
      throw new RangeError(
        `CausalSelfAttention: a beam cache takes [${cache.beams}, 1, ${cache.width * 3}] without a key mask, got ${formatShape(qkv.shape)}${keyMask === undefined ? '' : ' and a key mask'}`,
      );
    }
    cache.appendPacked(qkv.data);
    const out = output([beams, 1, width]);
    const context = cache.context;
    beamAttention(
      {
        qkv: qkv.data,
        contextKeys: context.keys,
        contextValues: context.values,
        contextLength: context.length,
        ownKeys: cache.keys,
        ownValues: cache.values,
        ownLength: cache.length,
        maxOwn: cache.maxOwn,
      },
      beams,
      this.heads,
      out.data,
    );
    return out;
  }
}
