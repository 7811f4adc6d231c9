import { type Logger, Random, silentLogger } from '../../core/index.js';
import { checkItemVectors, type ItemVectors } from '../item-vectors/item-vectors.js';
import { type FitCodebookOptions, fitCodebook } from './fit-codebook.js';

export interface ResidualKmeansOptions extends Omit<FitCodebookOptions, 'random' | 'codebookSize'> {
  /** Code levels L (default 3). */
  levels?: number;
  /** Codes per level K (default 256, at most 8192). */
  codebookSize?: number;
  /** Seed of the k-means++ seeding (default 0). */
  seed?: number;
  /** Receives one debug line per level (iterations, relative reconstruction error). */
  logger?: Logger;
}

export interface ResidualKmeans {
  /** One [codebookSize, dim] centroid table per level. */
  codebooks: Float32Array[];
  /** Code of each item at each level, [count, levels]. */
  codes: Int32Array;
  /** Lloyd iterations run per level. */
  iterations: number[];
}

export const MAX_CODEBOOK_SIZE = 8192;

/**
 * RQ-Kmeans (OneRec technical report, arXiv 2506.13695, section 2.1): level l
 * clusters the residuals r_l = x - sum_{m<l} c_m(x) of all items into K codes
 * with balanced k-means, and each item's chosen centroid is subtracted before
 * the next level.
 */
export function residualKmeans(
  itemVectors: ItemVectors,
  options: ResidualKmeansOptions = {},
): ResidualKmeans {
  checkItemVectors(itemVectors, 'residualKmeans');
  const { count, dim } = itemVectors;
  const levels = options.levels ?? 3;
  const codebookSize = options.codebookSize ?? 256;
  if (!Number.isInteger(levels) || levels < 1) throw new RangeError(`levels must be >= 1, got ${levels}`);
  if (!Number.isInteger(codebookSize) || codebookSize < 2 || codebookSize > MAX_CODEBOOK_SIZE) {
    throw new RangeError(`codebookSize must be in [2, ${MAX_CODEBOOK_SIZE}], got ${codebookSize}`);
  }
  if (count === 0) throw new RangeError('residualKmeans: no items');
  const random = new Random(options.seed ?? 0);
  const logger = options.logger ?? silentLogger;
  const residual = itemVectors.vectors.slice(); // [count, dim]
  const squaredNorm = sumOfSquares(residual);
  const codes = new Int32Array(count * levels);
  const codebooks: Float32Array[] = [];
  const iterations: number[] = [];
  for (let level = 0; level < levels; level++) {
    const fitted = fitCodebook(residual, dim, { ...options, codebookSize, random: random.fork() });
    codebooks.push(fitted.centroids);
    iterations.push(fitted.iterations);
    fitted.assignment.forEach((code, item) => {
      codes[item * levels + level] = code;
      for (let j = 0; j < dim; j++) residual[item * dim + j]! -= fitted.centroids[code * dim + j]!;
    });
    const error = squaredNorm === 0 ? 0 : sumOfSquares(residual) / squaredNorm;
    logger.debug(
      `RQ-Kmeans level ${level + 1}/${levels}: ${fitted.iterations} iterations, relative reconstruction error ${error.toFixed(4)}`,
    );
  }
  return { codebooks, codes, iterations };
}

function sumOfSquares(values: Float32Array): number {
  let sum = 0;
  for (const value of values) sum += value * value;
  return sum;
}
