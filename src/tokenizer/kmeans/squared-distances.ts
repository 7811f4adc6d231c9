import { matrixProduct } from '../linalg/matrix-product.js';

/** ||c||^2 of each centroid of [k, dim]. */
export function centroidNorms(centroids: Float32Array, dim: number): Float32Array {
  const k = centroids.length / dim;
  const norms = new Float32Array(k);
  for (let c = 0; c < k; c++) {
    let sum = 0;
    for (let j = c * dim; j < (c + 1) * dim; j++) sum += centroids[j]! * centroids[j]!;
    norms[c] = sum;
  }
  return norms;
}

/**
 * Squared distances of rows [first, first + rows) of `data` to every centroid,
 * into `out` [rows, k]: ||x||^2 - 2 x.c + ||c||^2 with x.c by one GEMM,
 * clamped at 0 against rounding.
 */
export function squaredDistances(
  data: Float32Array,
  dim: number,
  centroids: Float32Array,
  norms: Float32Array,
  block: { first: number; rows: number; out: Float32Array },
): void {
  const { first, rows, out } = block;
  const k = norms.length;
  const slice = data.subarray(first * dim, (first + rows) * dim);
  matrixProduct(slice, centroids, { m: rows, n: k, k: dim }, { transposeB: true, out }); // [rows, k]
  for (let r = 0; r < rows; r++) {
    let norm = 0;
    for (let j = r * dim; j < (r + 1) * dim; j++) norm += slice[j]! * slice[j]!;
    const base = r * k;
    for (let c = 0; c < k; c++) {
      const distance = norm - 2 * out[base + c]! + norms[c]!;
      out[base + c] = Math.max(distance, 0);
    }
  }
}
