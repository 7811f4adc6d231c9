import { centroidNorms, squaredDistances } from './squared-distances.js';

export interface NearestCandidates {
  /** Per row the `width` nearest centroids, nearest first: [rows, width]. */
  codes: Int32Array;
  /** Their squared distances, same layout. */
  distances: Float32Array;
  width: number;
}

const CHUNK_ROWS = 2048;

/**
 * The `width` nearest centroids of every row, computed over chunks of rows so
 * the [rows, k] distance matrix never exists whole (k may be 8192). Ties go to
 * the lower code.
 */
export function nearestCandidates(
  data: Float32Array,
  dim: number,
  centroids: Float32Array,
  width: number,
): NearestCandidates {
  const rows = data.length / dim;
  const k = centroids.length / dim;
  const kept = Math.min(width, k);
  const norms = centroidNorms(centroids, dim);
  const codes = new Int32Array(rows * kept);
  const distances = new Float32Array(rows * kept);
  const out = new Float32Array(Math.min(rows, CHUNK_ROWS) * k);
  for (let first = 0; first < rows; first += CHUNK_ROWS) {
    const chunk = Math.min(CHUNK_ROWS, rows - first);
    squaredDistances(data, dim, centroids, norms, { first, rows: chunk, out });
    for (let r = 0; r < chunk; r++) {
      const base = (first + r) * kept;
      let filled = 0;
      for (let c = 0; c < k; c++) {
        const distance = out[r * k + c]!;
        if (filled === kept && distance >= distances[base + kept - 1]!) continue;
        let at = filled < kept ? filled++ : kept - 1;
        while (at > 0 && distances[base + at - 1]! > distance) {
          distances[base + at] = distances[base + at - 1]!;
          codes[base + at] = codes[base + at - 1]!;
          at--;
        }
        distances[base + at] = distance;
        codes[base + at] = c;
      }
    }
  }
  return { codes, distances, width: kept };
}
