import { describe, expect, it } from 'vitest';
import { Random } from '../../core/index.js';
import { centredOperator, denseOperator } from './linear-operator.js';
import { randomizedSvd, type TruncatedSvd } from './randomized-svd.js';
import { SparseMatrix } from './sparse-matrix.js';

/** A [rows, cols] = U diag(s) V^T with random orthonormal-ish U, V of the given spectrum. */
function lowRankMatrix(rows: number, cols: number, spectrum: number[], seed: number): Float32Array {
  const random = new Random(seed);
  const a = new Float32Array(rows * cols);
  for (const value of spectrum) {
    const u = Array.from({ length: rows }, () => random.normal());
    const v = Array.from({ length: cols }, () => random.normal());
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) a[r * cols + c]! += value * u[r]! * v[c]!;
  }
  return a;
}

function reconstruct(svd: TruncatedSvd, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  const k = svd.rank;
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      let sum = 0;
      for (let j = 0; j < k; j++) sum += svd.left[r * k + j]! * svd.values[j]! * svd.right[c * k + j]!;
      out[r * cols + c] = sum;
    }
  return out;
}

function relativeError(a: Float32Array, b: Float32Array): number {
  let difference = 0;
  let total = 0;
  for (let i = 0; i < a.length; i++) {
    difference += (a[i]! - b[i]!) ** 2;
    total += a[i]! ** 2;
  }
  return Math.sqrt(difference / total);
}

/** max |M^T M - I| over the columns of M [rows, k]. */
function orthonormalityError(m: Float32Array, rows: number, k: number): number {
  let worst = 0;
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      let dot = 0;
      for (let r = 0; r < rows; r++) dot += m[r * k + i]! * m[r * k + j]!;
      worst = Math.max(worst, Math.abs(dot - (i === j ? 1 : 0)));
    }
  return worst;
}

describe('randomizedSvd', () => {
  it('reconstructs a rank-5 matrix exactly and returns orthonormal components', () => {
    const rows = 120;
    const cols = 80;
    const a = lowRankMatrix(rows, cols, [9, 5, 3, 2, 1], 1);
    const svd = randomizedSvd(denseOperator(a, rows, cols), 5, { seed: 3 });
    expect(svd.rank).toBe(5);
    expect(relativeError(a, reconstruct(svd, rows, cols))).toBeLessThan(1e-4);
    expect(orthonormalityError(svd.left, rows, 5)).toBeLessThan(1e-5);
    expect(orthonormalityError(svd.right, cols, 5)).toBeLessThan(1e-5);
    for (let j = 1; j < 5; j++) expect(svd.values[j]!).toBeLessThanOrEqual(svd.values[j - 1]!);
  });

  it('finds the leading singular values of a full-rank matrix with a decaying spectrum', () => {
    const rows = 60;
    const cols = 50;
    const spectrum = Array.from({ length: 50 }, (_, i) => 0.7 ** i);
    // Exact SVD: diagonal matrix permuted by orthogonal maps is overkill; a diagonal one suffices.
    const a = new Float32Array(rows * cols);
    spectrum.forEach((value, i) => {
      a[i * cols + i] = value;
    });
    const svd = randomizedSvd(denseOperator(a, rows, cols), 6, { seed: 5 });
    for (let j = 0; j < 6; j++) expect(svd.values[j]!).toBeCloseTo(spectrum[j]!, 4);
  });

  it('gives the same factors for a sparse matrix as for its dense copy, and is seeded', () => {
    const random = new Random(7);
    const rows = 50;
    const cols = 40;
    const dense = new Float32Array(rows * cols);
    const row: number[] = [];
    const col: number[] = [];
    const value: number[] = [];
    for (let i = 0; i < 300; i++) {
      const r = random.int(rows);
      const c = random.int(cols);
      const v = random.next();
      dense[r * cols + c]! += v;
      row.push(r);
      col.push(c);
      value.push(v);
    }
    const sparse = SparseMatrix.fromTriplets(
      { rows, cols },
      {
        row: Int32Array.from(row),
        col: Int32Array.from(col),
        value: Float32Array.from(value),
        length: row.length,
      },
    );
    const fromSparse = randomizedSvd(sparse, 4, { seed: 2 });
    const fromDense = randomizedSvd(denseOperator(dense, rows, cols), 4, { seed: 2 });
    for (let j = 0; j < 4; j++) expect(fromSparse.values[j]!).toBeCloseTo(fromDense.values[j]!, 4);
    expect(relativeError(fromDense.right, fromSparse.right)).toBeLessThan(1e-3);
    expect(randomizedSvd(sparse, 4, { seed: 2 }).left).toEqual(fromSparse.left);
  });

  it('centres implicitly: PCA of a sparse matrix equals the SVD of its explicitly centred copy', () => {
    const rows = 40;
    const cols = 30;
    const a = lowRankMatrix(rows, cols, [4, 2, 1], 9);
    for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) a[r * cols + c]! += c * 0.5;
    const means = new Float32Array(cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) means[c]! += a[r * cols + c]! / rows;
    const centred = a.map((value, i) => value - means[i % cols]!);
    const implicit = randomizedSvd(centredOperator(denseOperator(a, rows, cols), means), 3, { seed: 1 });
    const explicit = randomizedSvd(denseOperator(centred, rows, cols), 3, { seed: 1 });
    for (let j = 0; j < 3; j++) expect(implicit.values[j]!).toBeCloseTo(explicit.values[j]!, 3);
    expect(relativeError(centred, reconstruct(implicit, rows, cols))).toBeLessThan(1e-3);
  });

  it('caps the rank at the smaller side', () => {
    const a = lowRankMatrix(6, 4, [3, 2, 1], 2);
    expect(randomizedSvd(denseOperator(a, 6, 4), 10).rank).toBe(4);
    expect(() => randomizedSvd(denseOperator(a, 6, 4), 0)).toThrow(RangeError);
  });
});
