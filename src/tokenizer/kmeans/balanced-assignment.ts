import { nearestCandidates } from './nearest-candidates.js';
import { centroidNorms, squaredDistances } from './squared-distances.js';

/** Above this many row x centroid distances (64 MB of float32), keep only each row's nearest candidates. */
const FULL_MATRIX_LIMIT = 1 << 24;

/**
 * Capacity-constrained greedy assignment: every code ends with floor(N / K) or
 * ceil(N / K) rows (exactly N mod K codes take the ceiling), so every code is
 * used whenever N >= K. Rows are placed in order of regret (distance to the
 * second-nearest centroid minus the nearest, largest first): a row that would
 * lose most by not getting its first choice chooses first, then takes its
 * nearest code with room. Ties go to the lower row and the lower code, so the
 * result is deterministic.
 *
 * The N x K distances are kept whole when they fit in 64 MB (`fullMatrixLimit`
 * distances); beyond, each row keeps its `candidates` nearest codes and a row finding them all full
 * computes its distances to every centroid again.
 */
export function balancedAssignment(
  data: Float32Array,
  dim: number,
  centroids: Float32Array,
  options: { candidates?: number; fullMatrixLimit?: number } = {},
): Int32Array {
  const rows = data.length / dim;
  const k = centroids.length / dim;
  const preferences =
    rows * k <= (options.fullMatrixLimit ?? FULL_MATRIX_LIMIT)
      ? fullPreferences(data, dim, centroids)
      : candidatePreferences(data, dim, centroids, options.candidates ?? 32);
  const order = Array.from({ length: rows }, (_, r) => r).sort(
    (a, b) => preferences.regret[b]! - preferences.regret[a]! || a - b,
  );
  const floor = Math.floor(rows / k);
  const ceilingSlots = rows % k;
  const sizes = new Int32Array(k);
  let atCeiling = 0;
  const hasRoom = (code: number): boolean =>
    sizes[code]! < floor || (sizes[code] === floor && atCeiling < ceilingSlots);
  const assignment = new Int32Array(rows);
  for (const row of order) {
    const chosen = preferences.nearestWithRoom(row, hasRoom);
    if (sizes[chosen] === floor) atCeiling++;
    sizes[chosen]!++;
    assignment[row] = chosen;
  }
  return assignment;
}

interface Preferences {
  /** Second-nearest minus nearest distance per row. */
  regret: Float64Array;
  nearestWithRoom(row: number, hasRoom: (code: number) => boolean): number;
}

function fullPreferences(data: Float32Array, dim: number, centroids: Float32Array): Preferences {
  const rows = data.length / dim;
  const k = centroids.length / dim;
  const distances = new Float32Array(rows * k); // [rows, k]
  squaredDistances(data, dim, centroids, centroidNorms(centroids, dim), { first: 0, rows, out: distances });
  const regret = new Float64Array(rows);
  for (let row = 0; row < rows; row++) {
    let best = Number.POSITIVE_INFINITY;
    let second = Number.POSITIVE_INFINITY;
    for (let c = row * k; c < (row + 1) * k; c++) {
      const distance = distances[c]!;
      if (distance < best) {
        second = best;
        best = distance;
      } else if (distance < second) second = distance;
    }
    regret[row] = k > 1 ? second - best : 0;
  }
  return {
    regret,
    nearestWithRoom(row, hasRoom) {
      let chosen = -1;
      let nearest = Number.POSITIVE_INFINITY;
      for (let c = 0; c < k; c++) {
        const distance = distances[row * k + c]!;
        if (distance < nearest && hasRoom(c)) {
          nearest = distance;
          chosen = c;
        }
      }
      return chosen;
    },
  };
}

function candidatePreferences(
  data: Float32Array,
  dim: number,
  centroids: Float32Array,
  width: number,
): Preferences {
  const rows = data.length / dim;
  const k = centroids.length / dim;
  const candidates = nearestCandidates(data, dim, centroids, width);
  const kept = candidates.width;
  const regret = new Float64Array(rows);
  if (kept > 1) {
    for (let r = 0; r < rows; r++)
      regret[r] = candidates.distances[r * kept + 1]! - candidates.distances[r * kept]!;
  }
  return {
    regret,
    nearestWithRoom(row, hasRoom) {
      for (let i = 0; i < kept; i++) {
        const code = candidates.codes[row * kept + i]!;
        if (hasRoom(code)) return code;
      }
      let chosen = -1;
      let nearest = Number.POSITIVE_INFINITY;
      for (let c = 0; c < k; c++) {
        if (!hasRoom(c)) continue;
        let distance = 0;
        for (let j = 0; j < dim; j++) {
          const difference = data[row * dim + j]! - centroids[c * dim + j]!;
          distance += difference * difference;
        }
        if (distance < nearest) {
          nearest = distance;
          chosen = c;
        }
      }
      return chosen;
    },
  };
}
