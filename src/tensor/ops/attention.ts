import type { Random } from '../../core/index.js';
import { kernels } from '../backend/select.js';
import { allocate, allocateZeroed, recycle } from '../buffer-pool.js';
import { opEnd, opStart } from '../profiler.js';
import { formatShape } from '../shape.js';
import { gradOf, needsGrad, record } from '../tape.js';
import { output, type Tensor } from '../tensor.js';
import { gemm } from './gemm.js';

export interface AttentionOptions {
  heads: number;
  /** Query i (of Tq, aligned to the end of the Tk keys) sees keys j <= i + Tk - Tq. */
  causal?: boolean;
  /** [B, Tk] of 1 (attend) / 0 (padding); a query with no visible key outputs zeros. */
  keyMask?: Uint8Array;
  /**
   * Dropout on the attention probabilities (Vaswani et al. 2017; PyTorch's
   * MultiheadAttention `dropout`): each probability zeroed with this chance and
   * the survivors scaled by 1 / (1 - p) before they weight the values. Needs `random`.
   */
  dropout?: number;
  /** The seeded stream of the dropout mask. */
  random?: Random;
}

/**
 * Where one of q, k, v lives: row t of batch b starts at offset + b * batchStride
 * + t * rowStride, head h at + h * D. Lets heads, packed qkv projections and
 * KV caches be read in place, without transposes.
 */
export interface HeadLayout {
  data: Float32Array;
  offset: number;
  rowStride: number;
  batchStride: number;
}

export interface AttentionShape {
  batch: number;
  heads: number;
  tq: number;
  tk: number;
  headDim: number;
  causalOffset: number;
  keyMask: Uint8Array | null;
  /** [B, H, Tq, Tk] inverted-dropout multipliers (0 or 1 / (1 - p)) of the probabilities, or null. */
  dropMask: Float32Array | null;
}

/**
 * Scaled dot-product attention (Vaswani et al. 2017, sec. 3.2.2):
 * out = softmax(q kᵀ / sqrt(D) + mask) v per head. Writes out [B, Tq, H * D]
 * rows at `out` and returns the probabilities [B, H, Tq, Tk] for the backward.
 */
export function attentionForward(
  q: HeadLayout,
  k: HeadLayout,
  v: HeadLayout,
  out: HeadLayout,
  s: AttentionShape,
) {
  const { batch, heads, tq, tk, headDim } = s;
  const probs = allocate(batch * heads * tq * tk); // [B, H, Tq, Tk], fully written by the GEMM
  const common = { batch0: batch, batch1: heads, cStride0: heads * tq * tk, cStride1: tq * tk };
  gemm({
    ...common,
    transB: true,
    m: tq,
    n: tk,
    k: headDim,
    a: q.data,
    aOffset: q.offset,
    lda: q.rowStride,
    aStride0: q.batchStride,
    aStride1: headDim,
    b: k.data,
    bOffset: k.offset,
    ldb: k.rowStride,
    bStride0: k.batchStride,
    bStride1: headDim,
    c: probs,
    ldc: tk,
  });
  kernels().attentionSoftmax(probs, batch, heads, tq, tk, 1 / Math.sqrt(headDim), s.causalOffset, s.keyMask);
  const weights = s.dropMask === null ? probs : masked(probs, s.dropMask);
  gemm({
    m: tq,
    n: headDim,
    k: tk,
    a: weights,
    lda: tk,
    aStride0: heads * tq * tk,
    aStride1: tq * tk,
    b: v.data,
    bOffset: v.offset,
    ldb: v.rowStride,
    bStride0: v.batchStride,
    bStride1: headDim,
    c: out.data,
    cOffset: out.offset,
    ldc: out.rowStride,
    cStride0: out.batchStride,
    cStride1: headDim,
    batch0: batch,
    batch1: heads,
  });
  if (weights !== probs) recycle(weights);
  return probs;
}

/** probs * mask, elementwise, in a pooled buffer. */
function masked(probs: Float32Array, mask: Float32Array): Float32Array {
  const out = allocate(probs.length);
  for (let i = 0; i < probs.length; i++) out[i] = probs[i]! * mask[i]!;
  return out;
}

/** Where beam search's attention reads: one shared context and each beam's own positions. */
export interface BeamAttentionInputs {
  /** Packed q/k/v of one new position per beam, [beams, 3C]. */
  qkv: Float32Array;
  /** The context's keys and values, [contextLength, C] rows starting at 0. */
  contextKeys: Float32Array;
  contextValues: Float32Array;
  contextLength: number;
  /** Each beam's own keys and values (the new position included), [beams, maxOwn, C]. */
  ownKeys: Float32Array;
  ownValues: Float32Array;
  ownLength: number;
  maxOwn: number;
}

/**
 * Attention of one new position per beam over a context every beam shares
 * plus the beam's own positions since (inference only): the scores against
 * the context are one GEMM with a row per beam and head, the context's keys
 * and values are never copied per beam. Writes out [beams, C].
 */
export function beamAttention(
  inputs: BeamAttentionInputs,
  beams: number,
  heads: number,
  out: Float32Array,
): void {
  const { qkv, contextLength: p, ownLength: own, maxOwn } = inputs;
  const width = qkv.length / (3 * beams);
  const headDim = width / heads;
  const tk = p + own;
  const scores = allocate(beams * heads * tk); // [beams, H, 1, Tk]: context columns, then own ones
  if (p > 0)
    gemm({
      transB: true,
      m: beams,
      n: p,
      k: headDim,
      a: qkv,
      lda: 3 * width,
      aStride0: headDim,
      b: inputs.contextKeys,
      ldb: width,
      bStride0: headDim,
      c: scores,
      ldc: heads * tk,
      cStride0: tk,
      batch0: heads,
    });
  if (own > 0)
    gemm({
      transB: true,
      m: 1,
      n: own,
      k: headDim,
      a: qkv,
      aStride0: 3 * width,
      aStride1: headDim,
      b: inputs.ownKeys,
      ldb: width,
      bStride0: maxOwn * width,
      bStride1: headDim,
      c: scores,
      cOffset: p,
      ldc: tk,
      cStride0: heads * tk,
      cStride1: tk,
      batch0: beams,
      batch1: heads,
    });
  kernels().attentionSoftmax(scores, beams, heads, 1, tk, 1 / Math.sqrt(headDim), -1, null);
  if (p > 0)
    gemm({
      m: beams,
      n: headDim,
      k: p,
      a: scores,
      lda: heads * tk,
      aStride0: tk,
      b: inputs.contextValues,
      ldb: width,
      bStride0: headDim,
      c: out,
      ldc: width,
      cStride0: headDim,
      batch0: heads,
    });
  if (own > 0)
    gemm({
      m: 1,
      n: headDim,
      k: own,
      a: scores,
      aOffset: p,
      aStride0: heads * tk,
      aStride1: tk,
      b: inputs.ownValues,
      ldb: width,
      bStride0: maxOwn * width,
      bStride1: headDim,
      c: out,
      ldc: width,
      cStride0: width,
      cStride1: headDim,
      batch0: beams,
      batch1: heads,
      beta: p > 0 ? 1 : 0,
    });
  recycle(scores);
}

/** Accumulates dq, dk, dv (each may be null) from dOut and the saved probabilities. */
export function attentionBackward(
  dOut: HeadLayout,
  q: HeadLayout,
  k: HeadLayout,
  v: HeadLayout,
  probs: Float32Array,
  grads: { dq: HeadLayout | null; dk: HeadLayout | null; dv: HeadLayout | null },
  s: AttentionShape,
): void {
  const { batch, heads, tq, tk, headDim } = s;
  const scale = 1 / Math.sqrt(headDim);
  const pStrides = { aStride0: heads * tq * tk, aStride1: tq * tk };
  const batches = { batch0: batch, batch1: heads };
  const dOutA = {
    a: dOut.data,
    aOffset: dOut.offset,
    lda: dOut.rowStride,
    aStride0: dOut.batchStride,
    aStride1: headDim,
  };
  const mask = s.dropMask;
  if (grads.dv !== null) {
    // dV_h += P_hᵀ dOut_h: [Tk, Tq] x [Tq, D] (P after dropout)
    const weights = mask === null ? probs : masked(probs, mask);
    gemm({
      ...batches,
      ...pStrides,
      transA: true,
      m: tk,
      n: headDim,
      k: tq,
      a: weights,
      lda: tk,
      b: dOut.data,
      bOffset: dOut.offset,
      ldb: dOut.rowStride,
      bStride0: dOut.batchStride,
      bStride1: headDim,
      c: grads.dv.data,
      cOffset: grads.dv.offset,
      ldc: grads.dv.rowStride,
      cStride0: grads.dv.batchStride,
      cStride1: headDim,
      beta: 1,
    });
    if (weights !== probs) recycle(weights);
  }
  if (grads.dq === null && grads.dk === null) return;
  // dP_h = dOut_h V_hᵀ: [Tq, D] x [D, Tk]
  const dProbs = allocate(probs.length);
  gemm({
    ...batches,
    ...dOutA,
    transB: true,
    m: tq,
    n: tk,
    k: headDim,
    b: v.data,
    bOffset: v.offset,
    ldb: v.rowStride,
    bStride0: v.batchStride,
    bStride1: headDim,
    c: dProbs,
    ldc: tk,
    cStride0: heads * tq * tk,
    cStride1: tq * tk,
  });
  // Through the dropout: the gradient of the kept probabilities, scaled as they were.
  if (mask !== null) for (let i = 0; i < dProbs.length; i++) dProbs[i]! *= mask[i]!;
  // dS = softmax'(dP); the 1/sqrt(D) of the scores goes into alpha below.
  const dScores = allocateZeroed(probs.length);
  kernels().softmaxBackward(dProbs, probs, dScores, batch * heads * tq, tk, false);
  if (grads.dq !== null) {
    // dQ_h += scale * dS_h K_h: [Tq, Tk] x [Tk, D]
    gemm({
      ...batches,
      ...pStrides,
      m: tq,
      n: headDim,
      k: tk,
      alpha: scale,
      a: dScores,
      lda: tk,
      b: k.data,
      bOffset: k.offset,
      ldb: k.rowStride,
      bStride0: k.batchStride,
      bStride1: headDim,
      c: grads.dq.data,
      cOffset: grads.dq.offset,
      ldc: grads.dq.rowStride,
      cStride0: grads.dq.batchStride,
      cStride1: headDim,
      beta: 1,
    });
  }
  if (grads.dk !== null) {
    // dK_h += scale * dS_hᵀ Q_h: [Tk, Tq] x [Tq, D]
    gemm({
      ...batches,
      ...pStrides,
      transA: true,
      m: tk,
      n: headDim,
      k: tq,
      alpha: scale,
      a: dScores,
      lda: tk,
      b: q.data,
      bOffset: q.offset,
      ldb: q.rowStride,
      bStride0: q.batchStride,
      bStride1: headDim,
      c: grads.dk.data,
      cOffset: grads.dk.offset,
      ldc: grads.dk.rowStride,
      cStride0: grads.dk.batchStride,
      cStride1: headDim,
      beta: 1,
    });
  }
  recycle(dProbs);
  recycle(dScores);
}

function attentionShape(
  op: string,
  batch: number,
  tq: number,
  tk: number,
  width: number,
  options: AttentionOptions,
): AttentionShape {
  const heads = options.heads;
  if (!Number.isInteger(heads) || heads < 1 || width % heads !== 0) {
    throw new RangeError(`${op}: width ${width} does not split into ${heads} heads`);
  }
  const causal = options.causal ?? false;
  if (causal && tq > tk) throw new RangeError(`${op}: causal attention needs Tq <= Tk, got ${tq} > ${tk}`);
  const keyMask = options.keyMask ?? null;
  if (keyMask !== null && keyMask.length !== batch * tk) {
    throw new RangeError(`${op}: keyMask has ${keyMask.length} values, expected [B, Tk] = [${batch}, ${tk}]`);
  }
  const p = options.dropout ?? 0;
  if (!(p >= 0 && p < 1)) throw new RangeError(`${op}: dropout must be in [0, 1), got ${p}`);
  if (p > 0 && options.random === undefined) throw new RangeError(`${op}: dropout needs a random stream`);
  const dropMask = p > 0 ? dropoutMask(batch * heads * tq * tk, p, options.random!) : null;
  return {
    batch,
    heads,
    tq,
    tk,
    headDim: width / heads,
    causalOffset: causal ? tk - tq : -1,
    keyMask,
    dropMask,
  };
}

/** Inverted-dropout multipliers: 0 with chance p, else 1 / (1 - p) (the same draws as the dropout op). */
function dropoutMask(size: number, p: number, random: Random): Float32Array {
  const keep = 1 / (1 - p);
  const mask = new Float32Array(size);
  for (let i = 0; i < size; i++) mask[i] = random.next() < p ? 0 : keep;
  return mask;
}

function layout(data: Float32Array, offset: number, rows: number, rowStride: number): HeadLayout {
  return { data, offset, rowStride, batchStride: rows * rowStride };
}

/** Multi-head attention of q [B, Tq, C] over k, v [B, Tk, C] -> [B, Tq, C]. */
export function attention(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions): Tensor {
  const t0 = opStart();
  if (
    q.ndim !== 3 ||
    k.ndim !== 3 ||
    v.ndim !== 3 ||
    k.shape.some((d, i) => d !== v.shape[i]) ||
    q.shape[0] !== k.shape[0] ||
    q.shape[2] !== k.shape[2]
  ) {
    throw new RangeError(
      `attention: q ${formatShape(q.shape)}, k ${formatShape(k.shape)}, v ${formatShape(v.shape)} must be [B, Tq, C], [B, Tk, C], [B, Tk, C]`,
    );
  }
  const [batch, tq, width] = q.shape as [number, number, number];
  const tk = k.shape[1]!;
  const s = attentionShape('attention', batch, tq, tk, width, options);
  const out = output([batch, tq, width]); // [B, Tq, C]
  const lq = layout(q.data, 0, tq, width);
  const lk = layout(k.data, 0, tk, width);
  const lv = layout(v.data, 0, tk, width);
  const probs = attentionForward(lq, lk, lv, layout(out.data, 0, tq, width), s);
  if (needsGrad(q, k, v)) {
    record('attention', out, (g) => {
      const grads = {
        dq: q.requiresGrad ? layout(gradOf(q), 0, tq, width) : null,
        dk: k.requiresGrad ? layout(gradOf(k), 0, tk, width) : null,
        dv: v.requiresGrad ? layout(gradOf(v), 0, tk, width) : null,
      };
      attentionBackward(layout(g, 0, tq, width), lq, lk, lv, probs, grads, s);
      recycle(probs);
    });
  }
  opEnd('attention', t0);
  return out;
}

/**
 * Self-attention straight from a packed projection qkv [B, T, 3C] (q, k, v side by
 * side on the last axis, as one Linear C -> 3C produces) -> [B, T, C].
 */
export function selfAttention(qkv: Tensor, options: AttentionOptions): Tensor {
  const t0 = opStart();
  const packed = qkv.shape[2] ?? 0;
  if (qkv.ndim !== 3 || packed % 3 !== 0) {
    throw new RangeError(`selfAttention: qkv ${formatShape(qkv.shape)} must be [B, T, 3C]`);
  }
  const [batch, time] = qkv.shape as [number, number];
  const width = packed / 3;
  const s = attentionShape('selfAttention', batch, time, time, width, options);
  const out = output([batch, time, width]); // [B, T, C]
  const lq = layout(qkv.data, 0, time, packed);
  const lk = layout(qkv.data, width, time, packed);
  const lv = layout(qkv.data, 2 * width, time, packed);
  const probs = attentionForward(lq, lk, lv, layout(out.data, 0, time, width), s);
  if (needsGrad(qkv)) {
    record('attention', out, (g) => {
      const d = gradOf(qkv);
      attentionBackward(
        layout(g, 0, time, width),
        lq,
        lk,
        lv,
        probs,
        {
          dq: layout(d, 0, time, packed),
          dk: layout(d, width, time, packed),
          dv: layout(d, 2 * width, time, packed),
        },
        s,
      );
      recycle(probs);
    });
  }
  opEnd('attention', t0);
  return out;
}
