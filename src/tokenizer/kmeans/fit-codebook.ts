import type { Random } from '../../core/index.js';
import { balancedAssignment } from './balanced-assignment.js';
import { kmeansPlusPlus } from './kmeans-plus-plus.js';
import { nearestCandidates } from './nearest-candidates.js';

export interface FitCodebookOptions {
  codebookSize: number;
  random: Random;
  /** Lloyd iterations at most (default 10). */
  iterations?: number;
  /** Stop once fewer than this share of rows change code (default 0.001). */
  tolerance?: number;
  /** Capacity-constrained assignment (default true); false is plain Lloyd k-means. */
  balanced?: boolean;
  /** Nearest centroids kept per row when the balanced assignment cannot hold all N x K distances (default 32). */
  candidates?: number;
}

/** The defaults of the optional settings above, shared with what a tokenizer records of its fit. */
export const codebookDefaults = { iterations: 10, tolerance: 0.001, balanced: true, candidates: 32 } as const;

export interface Codebook {
  /** [codebookSize, dim] */
  centroids: Float32Array;
  /** Code of each row. */
  assignment: Int32Array;
  iterations: number;
}

/**
 * One level of residual k-means: k-means++ seeding, then assignment (balanced
 * or nearest) and centroid = mean of its rows, until assignments settle. A code
 * left empty (unbalanced only) keeps its centroid.
 */
export function fitCodebook(data: Float32Array, dim: number, options: FitCodebookOptions): Codebook {
  const rows = data.length / dim;
  const k = options.codebookSize;
  const balanced = options.balanced ?? codebookDefaults.balanced;
  const maxIterations = options.iterations ?? codebookDefaults.iterations;
  const tolerance = options.tolerance ?? codebookDefaults.tolerance;
  const centroids = kmeansPlusPlus(data, dim, k, { random: options.random });
  let assignment: Int32Array = new Int32Array(rows).fill(-1);
  let iterations = 0;
  while (iterations < maxIterations) {
    iterations++;
    const next = balanced
      ? balancedAssignment(data, dim, centroids, {
          candidates: options.candidates ?? codebookDefaults.candidates,
        })
      : nearestCandidates(data, dim, centroids, 1).codes;
    let changed = 0;
    for (let r = 0; r < rows; r++) if (next[r] !== assignment[r]) changed++;
    assignment = next;
    updateCentroids(data, dim, assignment, centroids);
    if (changed <= tolerance * rows) break;
  }
  return { centroids, assignment, iterations };
}

function updateCentroids(
  data: Float32Array,
  dim: number,
  assignment: Int32Array,
  centroids: Float32Array,
): void {
  const k = centroids.length / dim;
  const sums = new Float64Array(k * dim);
  const counts = new Int32Array(k);
  assignment.forEach((code, row) => {
    counts[code]!++;
    for (let j = 0; j < dim; j++) sums[code * dim + j]! += data[row * dim + j]!;
  });
  for (let code = 0; code < k; code++) {
    if (counts[code] === 0) continue;
    for (let j = 0; j < dim; j++) centroids[code * dim + j] = sums[code * dim + j]! / counts[code]!;
  }
}
