import { randomizedSvd } from '../linalg/randomized-svd.js';
import { normalizeRows } from '../linalg/row-norms.js';
import { cooccurrenceMatrix } from './cooccurrence-matrix.js';
import type { ItemVectors } from './item-vectors.js';

export interface CollaborativeVectorOptions {
  /** Output dimension (default 64). */
  dim?: number;
  /** Co-occurrence window in positions, each side (default 5). */
  window?: number;
  /** PMI shift k: SPPMI = max(PMI - ln k, 0) (default 1, plain PPMI; Levy et al. found SVD best without shift). */
  shift?: number;
  /** Context-distribution smoothing exponent alpha (default 0.75, as word2vec's negative sampling). */
  contextSmoothing?: number;
  /** Exponent p of Sigma in the item vectors U Sigma^p (default 0.5, the symmetric split of Levy et al. 2015). */
  singularValuePower?: number;
  /** Seed of the randomized SVD (default 0). */
  seed?: number;
  /** Subspace iterations of the randomized SVD (default 4). */
  powerIterations?: number;
}

export interface CollaborativeVectors extends ItemVectors {
  /** Non-zero entries of the SPPMI matrix. */
  pairs: number;
  /** Items that co-occur with nothing in the training sequences: their rows are zero. */
  emptyItems: Int32Array;
}

/**
 * Collaborative item vectors: truncated SVD of the shifted positive PMI
 * item-item matrix (Levy & Goldberg 2014, "Neural word embedding as implicit
 * matrix factorization"; item2vec's skip-gram with negative sampling factorises
 * the same matrix implicitly). Chosen over item2vec SGD because it is
 * deterministic given a seed, has no learning-rate schedule to tune, and runs in
 * about a second on Beauty. Rows are L2-normalised.
 */
export function collaborativeVectors(
  sequences: readonly Int32Array[],
  numItems: number,
  options: CollaborativeVectorOptions = {},
): CollaborativeVectors {
  const dim = options.dim ?? 64;
  const alpha = options.contextSmoothing ?? 0.75;
  const logShift = Math.log(options.shift ?? 1);
  const matrix = cooccurrenceMatrix(sequences, numItems, options.window ?? 5);
  const { rowStart, indices, values } = matrix;
  const itemTotals = new Float64Array(numItems);
  for (let at = 0; at < matrix.nonZeros; at++) itemTotals[indices[at]!]! += values[at]!;
  let smoothedTotal = 0;
  for (const total of itemTotals) smoothedTotal += total ** alpha;
  // PMI(i, j) = ln(C_ij * Z / (C_i * C_j^alpha)), Z = sum_j C_j^alpha: the row item's own
  // distribution against the smoothed context distribution.
  let pairs = 0;
  for (let item = 0; item < numItems; item++) {
    for (let at = rowStart[item]!; at < rowStart[item + 1]!; at++) {
      const context = indices[at]!;
      const pmi = Math.log(
        (values[at]! * smoothedTotal) / (itemTotals[item]! * itemTotals[context]! ** alpha),
      );
      values[at] = Math.max(pmi - logShift, 0);
      if (values[at]! > 0) pairs++;
    }
  }
  const empty: number[] = [];
  itemTotals.forEach((total, item) => {
    if (total === 0) empty.push(item);
  });
  const vectors = new Float32Array(numItems * dim);
  if (pairs > 0) {
    const svd = randomizedSvd(matrix, dim, {
      seed: options.seed ?? 0,
      ...(options.powerIterations === undefined ? {} : { powerIterations: options.powerIterations }),
    });
    const power = options.singularValuePower ?? 0.5;
    for (let r = 0; r < numItems; r++) {
      for (let j = 0; j < svd.rank; j++) {
        vectors[r * dim + j] = svd.left[r * svd.rank + j]! * svd.values[j]! ** power;
      }
    }
  }
  normalizeRows(vectors, dim);
  return { vectors, count: numItems, dim, pairs, emptyItems: Int32Array.from(empty) };
}
