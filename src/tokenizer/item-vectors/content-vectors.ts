import type { Item } from '../../data/index.js';
import { randomizedSvd } from '../linalg/randomized-svd.js';
import { normalizeRows } from '../linalg/row-norms.js';
import { SparseMatrix } from '../linalg/sparse-matrix.js';
import type { ItemVectors } from './item-vectors.js';
import { type ContentField, contentFields, metadataFeatures } from './metadata-features.js';

export interface ContentVectorOptions {
  /** Output dimension (default 64). */
  dim?: number;
  /** Features seen in fewer items are dropped: they cannot relate two items (default 2). */
  minDocumentFrequency?: number;
  /** Weight of each field's block (default 1 each); a field's block is L2-normalised before weighting. */
  fieldWeights?: Partial<Record<ContentField, number>>;
  /** Seed of the randomized SVD (default 0). */
  seed?: number;
  /** Subspace iterations of the randomized SVD (default 4). */
  powerIterations?: number;
}

export interface ContentVectors extends ItemVectors {
  /** Distinct features kept after the document-frequency cut. */
  features: number;
  /** Items with no usable metadata (no features, or only rare ones): their rows are zero. */
  emptyItems: Int32Array;
  /** Share of the TF-IDF matrix's squared Frobenius norm the `dim` components keep. */
  explainedShare: number;
}

/**
 * Content vectors from item metadata (LSA): TF-IDF features [items, features]
 * with sublinear term frequency 1 + ln(tf) and smoothed idf ln((1 + N) / (1 + df)) + 1,
 * each field's block L2-normalised then weighted, reduced to `dim` by a seeded
 * randomized truncated SVD; item vector = U Sigma, rows L2-normalised. Not
 * centred: TF-IDF rows are non-negative and sparse, and residual k-means learns
 * the mean at its first level anyway. Rows beyond the matrix rank are zero-padded.
 */
export function contentVectors(
  itemIds: readonly string[],
  metadata: ReadonlyMap<string, Item>,
  options: ContentVectorOptions = {},
): ContentVectors {
  const dim = options.dim ?? 64;
  const minDocumentFrequency = options.minDocumentFrequency ?? 2;
  const count = itemIds.length;
  const perItem = itemIds.map((id) => {
    const item = metadata.get(id);
    return item === undefined ? new Map<ContentField, string[]>() : metadataFeatures(item);
  });
  const documentFrequency = new Map<string, number>();
  for (const fields of perItem) {
    const distinct = new Set([...fields.values()].flat());
    for (const feature of distinct) documentFrequency.set(feature, (documentFrequency.get(feature) ?? 0) + 1);
  }
  const featureIndex = new Map<string, number>();
  for (const [feature, frequency] of documentFrequency) {
    if (frequency >= minDocumentFrequency) featureIndex.set(feature, featureIndex.size);
  }
  const idf = new Float64Array(featureIndex.size);
  for (const [feature, index] of featureIndex) {
    idf[index] = Math.log((1 + count) / (1 + documentFrequency.get(feature)!)) + 1;
  }
  const row: number[] = [];
  const col: number[] = [];
  const value: number[] = [];
  const empty: number[] = [];
  perItem.forEach((fields, item) => {
    const start = row.length;
    for (const field of contentFields) {
      const weight = options.fieldWeights?.[field] ?? 1;
      const counts = new Map<number, number>();
      for (const feature of fields.get(field) ?? []) {
        const index = featureIndex.get(feature);
        if (index !== undefined) counts.set(index, (counts.get(index) ?? 0) + 1);
      }
      if (counts.size === 0 || weight === 0) continue;
      const weights = [...counts].map(([index, tf]) => [index, (1 + Math.log(tf)) * idf[index]!] as const);
      let squared = 0;
      for (const [, w] of weights) squared += w * w;
      const norm = Math.sqrt(squared);
      for (const [index, w] of weights) {
        row.push(item);
        col.push(index);
        value.push((weight * w) / norm);
      }
    }
    if (row.length === start) empty.push(item);
  });
  const matrix = SparseMatrix.fromTriplets(
    { rows: count, cols: featureIndex.size },
    {
      row: Int32Array.from(row),
      col: Int32Array.from(col),
      value: Float32Array.from(value),
      length: row.length,
    },
  );
  normalizeSparseRows(matrix);
  const vectors = new Float32Array(count * dim);
  let explainedShare = 0;
  if (matrix.nonZeros > 0) {
    const svd = randomizedSvd(matrix, dim, {
      seed: options.seed ?? 0,
      ...(options.powerIterations === undefined ? {} : { powerIterations: options.powerIterations }),
    });
    let kept = 0;
    for (let j = 0; j < svd.rank; j++) kept += svd.values[j]! ** 2;
    explainedShare = kept / (count - empty.length);
    for (let r = 0; r < count; r++) {
      for (let j = 0; j < svd.rank; j++) vectors[r * dim + j] = svd.left[r * svd.rank + j]! * svd.values[j]!;
    }
  }
  normalizeRows(vectors, dim);
  return {
    vectors,
    count,
    dim,
    features: featureIndex.size,
    emptyItems: Int32Array.from(empty),
    explainedShare,
  };
}

/** Rows to unit L2 norm, so the squared Frobenius norm is the number of non-empty rows. */
function normalizeSparseRows(matrix: SparseMatrix): void {
  for (let r = 0; r < matrix.rows; r++) {
    let squared = 0;
    for (let at = matrix.rowStart[r]!; at < matrix.rowStart[r + 1]!; at++) squared += matrix.values[at]! ** 2;
    if (squared === 0) continue;
    const scale = 1 / Math.sqrt(squared);
    for (let at = matrix.rowStart[r]!; at < matrix.rowStart[r + 1]!; at++) matrix.values[at]! *= scale;
  }
}
