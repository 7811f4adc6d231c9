import { matrixProduct } from './matrix-product.js';

const BLOCK = 16;

/**
 * Q [rows, cols] with orthonormal columns spanning the columns of A [rows, cols]
 * (the Q of a thin QR). Block classical Gram-Schmidt run twice (BCGS2,
 * "twice is enough": Giraud et al. 2005): each block of 16 columns is projected
 * off the earlier ones by GEMM, then orthonormalised within by modified
 * Gram-Schmidt twice; the GEMMs carry almost all the work. A column that
 * vanishes (A rank-deficient) becomes zero.
 */
export function orthonormalizeColumns(a: Float32Array, rows: number, cols: number): Float32Array {
  if (a.length !== rows * cols) {
    throw new RangeError(`orthonormalizeColumns: ${a.length} values do not fill [${rows}, ${cols}]`);
  }
  // Transposed [cols, rows]: each column contiguous, and the leading columns a prefix.
  const q = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) q[c * rows + r] = a[r * cols + c]!;
  for (let first = 0; first < cols; first += BLOCK) {
    const width = Math.min(BLOCK, cols - first);
    const block = q.subarray(first * rows, (first + width) * rows); // [width, rows]
    const before = Float64Array.from({ length: width }, (_, i) =>
      norm(block.subarray(i * rows, (i + 1) * rows)),
    );
    if (first > 0) {
      const previous = q.subarray(0, first * rows); // [first, rows]
      for (let pass = 0; pass < 2; pass++) {
        const projection = matrixProduct(
          previous,
          block,
          { m: first, n: width, k: rows },
          { transposeB: true },
        ); // [first, width]
        const removed = matrixProduct(
          projection,
          previous,
          { m: width, n: rows, k: first },
          { transposeA: true },
        ); // [width, rows]
        for (let i = 0; i < block.length; i++) block[i]! -= removed[i]!;
      }
    }
    for (let i = 0; i < width; i++) {
      const column = block.subarray(i * rows, (i + 1) * rows);
      for (let pass = 0; pass < 2; pass++) {
        for (let p = 0; p < i; p++) {
          const earlier = block.subarray(p * rows, (p + 1) * rows);
          const projection = dot(earlier, column);
          for (let r = 0; r < rows; r++) column[r]! -= projection * earlier[r]!;
        }
      }
      const after = norm(column);
      if (after === 0 || after <= 1e-6 * before[i]!) column.fill(0);
      else for (let r = 0; r < rows; r++) column[r]! /= after;
    }
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = q[c * rows + r]!;
  return out;
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function norm(a: Float32Array): number {
  return Math.sqrt(dot(a, a));
}
