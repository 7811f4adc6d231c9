import { Random } from '../../core/index.js';
import type { LinearOperator } from './linear-operator.js';
import { matrixProduct } from './matrix-product.js';
import { orthonormalizeColumns } from './orthonormalize-columns.js';
import { symmetricEigen } from './symmetric-eigen.js';

export interface RandomizedSvdOptions {
  /** Extra random directions beyond `rank` (default 10). */
  oversamples?: number;
  /** Subspace (power) iterations; each sharpens the spectrum's decay (default 4). */
  powerIterations?: number;
  /** Seed of the Gaussian test matrix (default 0). */
  seed?: number;
}

/** A ~= left * diag(values) * right^T. */
export interface TruncatedSvd {
  rank: number;
  /** [rows, rank], orthonormal columns. */
  left: Float32Array;
  /** [rank], descending. */
  values: Float32Array;
  /** [cols, rank], orthonormal columns (the principal axes). */
  right: Float32Array;
}

/**
 * Rank-k truncated SVD by randomized range finding (Halko, Martinsson & Tropp
 * 2011, Algorithm 4.4 with re-orthonormalised subspace iterations, then 5.1):
 * Q = orth((A A^T)^q A Omega), B = Q^T A [l, cols], and the SVD of the small B
 * from the eigen-decomposition of B B^T [l, l]. `rank` is capped at
 * min(rows, cols). Signs are fixed (largest |entry| of each right vector
 * positive), so a seed gives the same factors every run.
 */
export function randomizedSvd(
  operator: LinearOperator,
  rank: number,
  options: RandomizedSvdOptions = {},
): TruncatedSvd {
  const { rows, cols } = operator;
  if (!Number.isInteger(rank) || rank < 1)
    throw new RangeError(`randomizedSvd: rank must be >= 1, got ${rank}`);
  const k = Math.min(rank, rows, cols);
  const width = Math.min(k + (options.oversamples ?? 10), rows, cols);
  const random = new Random(options.seed ?? 0);
  const omega = Float32Array.from({ length: cols * width }, () => random.normal()); // [cols, l]
  let q = orthonormalizeColumns(operator.multiply(omega, width), rows, width); // [rows, l]
  for (let iteration = 0; iteration < (options.powerIterations ?? 4); iteration++) {
    const z = orthonormalizeColumns(operator.multiplyTransposed(q, width), cols, width); // [cols, l]
    q = orthonormalizeColumns(operator.multiply(z, width), rows, width); // [rows, l]
  }
  const bt = operator.multiplyTransposed(q, width); // B^T [cols, l]
  const gram = new Float64Array(width * width); // B B^T [l, l]
  for (let c = 0; c < cols; c++) {
    const base = c * width;
    for (let i = 0; i < width; i++) {
      const bi = bt[base + i]!;
      if (bi === 0) continue;
      for (let j = i; j < width; j++) gram[i * width + j]! += bi * bt[base + j]!;
    }
  }
  for (let i = 0; i < width; i++) for (let j = 0; j < i; j++) gram[i * width + j] = gram[j * width + i]!;
  const eigen = symmetricEigen(gram, width);
  const w = new Float32Array(width * k); // leading eigenvectors [l, k]
  for (let i = 0; i < width; i++) for (let j = 0; j < k; j++) w[i * k + j] = eigen.vectors[i * width + j]!;
  const values = Float32Array.from({ length: k }, (_, j) => Math.sqrt(Math.max(eigen.values[j]!, 0)));
  const left = matrixProduct(q, w, { m: rows, n: k, k: width }); // [rows, k]
  const right = matrixProduct(bt, w, { m: cols, n: k, k: width }); // B^T W = V Sigma, [cols, k]
  for (let j = 0; j < k; j++) {
    let squared = 0;
    let largest = 0;
    for (let c = 0; c < cols; c++) {
      const value = right[c * k + j]!;
      squared += value * value;
      if (Math.abs(value) > Math.abs(largest)) largest = value;
    }
    const scale = squared === 0 ? 0 : Math.sign(largest) / Math.sqrt(squared);
    for (let c = 0; c < cols; c++) right[c * k + j]! *= scale;
    if (largest < 0) for (let r = 0; r < rows; r++) left[r * k + j]! *= -1;
  }
  return { rank: k, left, values, right };
}
