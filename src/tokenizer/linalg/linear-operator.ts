import { matrixProduct } from './matrix-product.js';

/**
 * A matrix A [rows, cols] seen only through its products, so the randomized SVD
 * runs alike on dense blocks, sparse TF-IDF / PPMI matrices and implicitly
 * centred ones.
 */
export interface LinearOperator {
  readonly rows: number;
  readonly cols: number;
  /** A [rows, cols] * X [cols, k] -> [rows, k]. */
  multiply(x: Float32Array, k: number): Float32Array;
  /** A^T [cols, rows] * Y [rows, k] -> [cols, k]. */
  multiplyTransposed(y: Float32Array, k: number): Float32Array;
}

/** A dense row-major matrix as an operator. */
export function denseOperator(data: Float32Array, rows: number, cols: number): LinearOperator {
  if (data.length !== rows * cols) {
    throw new RangeError(`denseOperator: ${data.length} values do not fill [${rows}, ${cols}]`);
  }
  return {
    rows,
    cols,
    multiply: (x, k) => matrixProduct(data, x, { m: rows, n: k, k: cols }),
    multiplyTransposed: (y, k) => matrixProduct(data, y, { m: cols, n: k, k: rows }, { transposeA: true }),
  };
}

/**
 * A - 1 mean^T without forming it (PCA on a sparse matrix keeps it sparse):
 * (A - 1 mu^T) X = A X - 1 (mu^T X) and (A - 1 mu^T)^T Y = A^T Y - mu (1^T Y).
 */
export function centredOperator(operator: LinearOperator, columnMeans: Float32Array): LinearOperator {
  const { rows, cols } = operator;
  if (columnMeans.length !== cols) {
    throw new RangeError(`centredOperator: ${columnMeans.length} means for ${cols} columns`);
  }
  return {
    rows,
    cols,
    multiply(x, k) {
      const out = operator.multiply(x, k); // [rows, k]
      const shift = new Float64Array(k); // mu^T X, [k]
      for (let c = 0; c < cols; c++) {
        const mean = columnMeans[c]!;
        if (mean === 0) continue;
        for (let j = 0; j < k; j++) shift[j]! += mean * x[c * k + j]!;
      }
      for (let r = 0; r < rows; r++) for (let j = 0; j < k; j++) out[r * k + j]! -= shift[j]!;
      return out;
    },
    multiplyTransposed(y, k) {
      const out = operator.multiplyTransposed(y, k); // [cols, k]
      const sums = new Float64Array(k); // 1^T Y, [k]
      for (let r = 0; r < rows; r++) for (let j = 0; j < k; j++) sums[j]! += y[r * k + j]!;
      for (let c = 0; c < cols; c++) {
        const mean = columnMeans[c]!;
        if (mean === 0) continue;
        for (let j = 0; j < k; j++) out[c * k + j]! -= mean * sums[j]!;
      }
      return out;
    },
  };
}
