import type { GemmCall } from '../backend/kernels.js';
import { kernels } from '../backend/select.js';

/** A GEMM call with no batching; override fields as needed. */
export function gemm(call: Partial<GemmCall> & Pick<GemmCall, 'm' | 'n' | 'k' | 'a' | 'b' | 'c'>): void {
  const transA = call.transA ?? false;
  const transB = call.transB ?? false;
  kernels().gemm({
    transA,
    transB,
    m: call.m,
    n: call.n,
    k: call.k,
    alpha: call.alpha ?? 1,
    beta: call.beta ?? 0,
    a: call.a,
    aOffset: call.aOffset ?? 0,
    lda: call.lda ?? (transA ? call.m : call.k),
    aStride0: call.aStride0 ?? 0,
    aStride1: call.aStride1 ?? 0,
    b: call.b,
    bOffset: call.bOffset ?? 0,
    ldb: call.ldb ?? (transB ? call.k : call.n),
    bStride0: call.bStride0 ?? 0,
    bStride1: call.bStride1 ?? 0,
    c: call.c,
    cOffset: call.cOffset ?? 0,
    ldc: call.ldc ?? call.n,
    cStride0: call.cStride0 ?? 0,
    cStride1: call.cStride1 ?? 0,
    batch0: call.batch0 ?? 1,
    batch1: call.batch1 ?? 1,
  });
}
