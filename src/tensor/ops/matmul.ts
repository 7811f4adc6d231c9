import { allocate } from '../buffer-pool.js';
import { opEnd, opStart } from '../profiler.js';
import { formatShape, sameShape, sizeOf } from '../shape.js';
import { gradOf, needsGrad, record } from '../tape.js';
import { output, type Tensor } from '../tensor.js';
import { gemm } from './gemm.js';

export interface MatmulOptions {
  /** Use the transpose of a's last two axes. */
  transA?: boolean;
  /** Use the transpose of b's last two axes. */
  transB?: boolean;
}

/**
 * op(a) @ op(b) over the last two axes. Leading (batch) axes must match, or one
 * operand is 2-D and is shared across the other's batch (a weight matrix).
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const t0 = opStart();
  const transA = options.transA ?? false;
  const transB = options.transB ?? false;
  const mismatch = (why: string): RangeError =>
    new RangeError(
      `matmul: cannot multiply ${formatShape(a.shape)}${transA ? 'ᵀ' : ''} by ${formatShape(b.shape)}${transB ? 'ᵀ' : ''}: ${why}`,
    );
  if (a.ndim < 2 || b.ndim < 2) throw mismatch('both operands need at least 2 dimensions');
  const ar = a.shape[a.ndim - 2]!;
  const ac = a.shape[a.ndim - 1]!;
  const br = b.shape[b.ndim - 2]!;
  const bc = b.shape[b.ndim - 1]!;
  const m = transA ? ac : ar;
  const k = transA ? ar : ac;
  const kb = transB ? bc : br;
  const n = transB ? br : bc;
  if (k !== kb) throw mismatch(`inner dimensions ${k} and ${kb} differ`);
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  if (aBatch.length > 0 && bBatch.length > 0 && !sameShape(aBatch, bBatch)) {
    throw mismatch('batch dimensions differ');
  }
  const batchShape = aBatch.length > 0 ? aBatch : bBatch;
  const batch = sizeOf(batchShape);
  const aStride = aBatch.length > 0 ? ar * ac : 0;
  const bStride = bBatch.length > 0 ? br * bc : 0;
  const lda = ac;
  const ldb = bc;
  const out = output([...batchShape, m, n]);
  // A batched a against a shared, untransposed-a weight is one tall GEMM: [batch * m, k] @ [k, n].
  const foldA = !transA && bStride === 0 && aStride !== 0;
  if (foldA) {
    gemm({ transB, m: batch * m, n, k, a: a.data, lda, b: b.data, ldb, c: out.data });
  } else {
    gemm({
      transA,
      transB,
      m,
      n,
      k,
      a: a.data,
      lda,
      aStride0: aStride,
      b: b.data,
      ldb,
      bStride0: bStride,
      c: out.data,
      cStride0: m * n,
      batch0: batch,
    });
  }
  if (needsGrad(a, b)) {
    record('matmul', out, (g) => {
      if (a.requiresGrad) {
        // A fresh gradient is written with beta 0 (no zero-fill first), unless the
        // batch accumulates into one shared matrix.
        const freshA = a.grad === null && (aStride !== 0 || batch === 1);
        const da = freshA ? allocate(a.size) : gradOf(a);
        if (freshA) a.grad = da;
        const betaA = freshA ? 0 : 1;
        // dA = dC op(B)ᵀ (or its transpose when A was used transposed).
        if (foldA) {
          gemm({
            transB: !transB,
            m: batch * m,
            n: k,
            k: n,
            a: g,
            lda: n,
            b: b.data,
            ldb,
            c: da,
            ldc: lda,
            beta: betaA,
          });
        } else if (!transA) {
          gemm({
            transB: !transB,
            m,
            n: k,
            k: n,
            a: g,
            lda: n,
            aStride0: m * n,
            b: b.data,
            ldb,
            bStride0: bStride,
            c: da,
            ldc: lda,
            cStride0: aStride,
            beta: betaA,
            batch0: batch,
          });
        } else {
          // A stored [k, m]: dA = op(B) dCᵀ.
          gemm({
            transA: transB,
            transB: true,
            m: k,
            n: m,
            k: n,
            a: b.data,
            lda: ldb,
            aStride0: bStride,
            b: g,
            ldb: n,
            bStride0: m * n,
            c: da,
            ldc: lda,
            cStride0: aStride,
            beta: betaA,
            batch0: batch,
          });
        }
      }
      if (b.requiresGrad) {
        const freshB =
          b.grad === null && (bStride !== 0 || batch === 1 || foldA || (bStride === 0 && !transA));
        const db = freshB ? allocate(b.size) : gradOf(b);
        if (freshB) b.grad = db;
        const betaB = freshB ? 0 : 1;
        if (foldA || (bStride === 0 && !transA)) {
          // Shared weight: sum over the batch folds into the inner dimension.
          if (!transB)
            gemm({ transA: true, m: k, n, k: batch * m, a: a.data, lda, b: g, ldb: n, c: db, beta: betaB });
          else
            gemm({
              transA: true,
              m: n,
              n: k,
              k: batch * m,
              a: g,
              lda: n,
              b: a.data,
              ldb: lda,
              c: db,
              beta: betaB,
            });
        } else if (!transB) {
          // dB = op(A)ᵀ dC.
          gemm({
            transA: !transA,
            m: k,
            n,
            k: m,
            a: a.data,
            lda,
            aStride0: aStride,
            b: g,
            ldb: n,
            bStride0: m * n,
            c: db,
            ldc: ldb,
            cStride0: bStride,
            beta: betaB,
            batch0: batch,
          });
        } else {
          // B stored [n, k]: dB = dCᵀ op(A).
          gemm({
            transA: true,
            transB: transA,
            m: n,
            n: k,
            k: m,
            a: g,
            lda: n,
            aStride0: m * n,
            b: a.data,
            ldb: lda,
            bStride0: aStride,
            c: db,
            ldc: ldb,
            cStride0: bStride,
            beta: betaB,
            batch0: batch,
          });
        }
      }
    });
  }
  opEnd('matmul', t0);
  return out;
}
