import type { LinearOperator } from './linear-operator.js';

/**
 * A compressed sparse row matrix [rows, cols]: row r holds columns
 * `indices[rowStart[r] .. rowStart[r + 1])` with `values` alongside, columns
 * ascending within a row.
 */
export class SparseMatrix implements LinearOperator {
  readonly rows: number;
  readonly cols: number;
  readonly rowStart: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float32Array;

  constructor(parts: {
    rows: number;
    cols: number;
    rowStart: Int32Array;
    indices: Int32Array;
    values: Float32Array;
  }) {
    const { rows, cols, rowStart, indices, values } = parts;
    if (rowStart.length !== rows + 1) {
      throw new RangeError(`SparseMatrix: rowStart has ${rowStart.length} entries, expected ${rows + 1}`);
    }
    const nonZeros = rowStart[rows]!;
    if (indices.length !== nonZeros || values.length !== nonZeros) {
      throw new RangeError(
        `SparseMatrix: ${indices.length} indices and ${values.length} values for ${nonZeros} non-zeros`,
      );
    }
    this.rows = rows;
    this.cols = cols;
    this.rowStart = rowStart;
    this.indices = indices;
    this.values = values;
  }

  /**
   * Builds from (row, col, value) triplets in any order; duplicates are summed.
   * Counting sort by row, then a dense scratch row merges duplicates: O(entries + rows + cols).
   */
  static fromTriplets(
    shape: { rows: number; cols: number },
    triplets: { row: Int32Array; col: Int32Array; value: Float32Array; length: number },
  ): SparseMatrix {
    const { rows, cols } = shape;
    const { row, col, value, length } = triplets;
    const counts = new Int32Array(rows + 1);
    for (let i = 0; i < length; i++) counts[row[i]! + 1]!++;
    for (let r = 0; r < rows; r++) counts[r + 1]! += counts[r]!;
    const fill = counts.slice(0, rows);
    const byRowCol = new Int32Array(length);
    const byRowValue = new Float32Array(length);
    for (let i = 0; i < length; i++) {
      const at = fill[row[i]!]!++;
      byRowCol[at] = col[i]!;
      byRowValue[at] = value[i]!;
    }
    const scratch = new Float64Array(cols);
    const seen = new Uint8Array(cols);
    const rowStart = new Int32Array(rows + 1);
    const indices: number[] = [];
    const values: number[] = [];
    const touched: number[] = [];
    for (let r = 0; r < rows; r++) {
      touched.length = 0;
      for (let at = counts[r]!; at < counts[r + 1]!; at++) {
        const c = byRowCol[at]!;
        if (seen[c] === 0) {
          seen[c] = 1;
          touched.push(c);
        }
        scratch[c]! += byRowValue[at]!;
      }
      touched.sort((a, b) => a - b);
      for (const c of touched) {
        indices.push(c);
        values.push(scratch[c]!);
        scratch[c] = 0;
        seen[c] = 0;
      }
      rowStart[r + 1] = indices.length;
    }
    return new SparseMatrix({
      rows,
      cols,
      rowStart,
      indices: Int32Array.from(indices),
      values: Float32Array.from(values),
    });
  }

  get nonZeros(): number {
    return this.rowStart[this.rows]!;
  }

  multiply(x: Float32Array, k: number): Float32Array {
    const out = new Float32Array(this.rows * k); // [rows, k]
    const acc = new Float64Array(k);
    for (let r = 0; r < this.rows; r++) {
      acc.fill(0);
      for (let at = this.rowStart[r]!; at < this.rowStart[r + 1]!; at++) {
        const value = this.values[at]!;
        const base = this.indices[at]! * k;
        for (let j = 0; j < k; j++) acc[j]! += value * x[base + j]!;
      }
      for (let j = 0; j < k; j++) out[r * k + j] = acc[j]!;
    }
    return out;
  }

  multiplyTransposed(y: Float32Array, k: number): Float32Array {
    const out = new Float64Array(this.cols * k); // [cols, k]
    for (let r = 0; r < this.rows; r++) {
      const rowBase = r * k;
      for (let at = this.rowStart[r]!; at < this.rowStart[r + 1]!; at++) {
        const value = this.values[at]!;
        const base = this.indices[at]! * k;
        for (let j = 0; j < k; j++) out[base + j]! += value * y[rowBase + j]!;
      }
    }
    return Float32Array.from(out);
  }

  /** Column means (for implicit centring). */
  columnMeans(): Float32Array {
    const sums = new Float64Array(this.cols);
    for (let at = 0; at < this.nonZeros; at++) sums[this.indices[at]!]! += this.values[at]!;
    return Float32Array.from(sums, (sum) => (this.rows === 0 ? 0 : sum / this.rows));
  }
}
