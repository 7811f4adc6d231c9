import { kernels } from '../../tensor/index.js';

export interface MatrixProductOptions {
  /** Read `a` as stored [k, m] and use its transpose. */
  transposeA?: boolean;
  /** Read `b` as stored [n, k] and use its transpose. */
  transposeB?: boolean;
  /** Written in place (overwritten) instead of allocating. */
  out?: Float32Array;
}

/**
 * C [m, n] = op(A) [m, k] * op(B) [k, n], row-major, through the tensor module's
 * GEMM kernel (OpenBLAS when the native addon loads), so k-means distances and
 * SVD products of dense blocks do not run in JavaScript loops.
 */
export function matrixProduct(
  a: Float32Array,
  b: Float32Array,
  shape: { m: number; n: number; k: number },
  options: MatrixProductOptions = {},
): Float32Array {
  const { m, n, k } = shape;
  const transA = options.transposeA ?? false;
  const transB = options.transposeB ?? false;
  if (a.length < m * k || b.length < k * n) {
    throw new RangeError(
      `matrixProduct: operands hold ${a.length} and ${b.length} values, need ${m * k} and ${k * n}`,
    );
  }
  const c = options.out ?? new Float32Array(m * n);
  if (c.length < m * n) throw new RangeError(`matrixProduct: out holds ${c.length} values, needs ${m * n}`);
  if (m === 0 || n === 0) return c;
  if (k === 0) {
    c.fill(0, 0, m * n);
    return c;
  }
  kernels().gemm({
    transA,
    transB,
    m,
    n,
    k,
    alpha: 1,
    beta: 0,
    a,
    aOffset: 0,
    lda: transA ? m : k,
    aStride0: 0,
    aStride1: 0,
    b,
    bOffset: 0,
    ldb: transB ? k : n,
    bStride0: 0,
    bStride1: 0,
    c,
    cOffset: 0,
    ldc: n,
    cStride0: 0,
    cStride1: 0,
    batch0: 1,
    batch1: 1,
  });
  return c;
}
