import type { Random } from '../../core/index.js';

/**
 * k-means++ seeding (Arthur & Vassilvitskii 2007): the first centre uniformly,
 * each next one sampled with probability proportional to the squared distance
 * to the nearest centre so far. Runs on a seeded sample of at most
 * `sampleLimit` rows (default 16 k): the seeding is O(rows * k * dim) and
 * Lloyd iterations on all rows follow. With fewer distinct rows than k the
 * remaining centres repeat rows. Returns centroids [k, dim].
 */
export function kmeansPlusPlus(
  data: Float32Array,
  dim: number,
  k: number,
  options: { random: Random; sampleLimit?: number },
): Float32Array {
  const count = data.length / dim;
  if (count === 0) throw new RangeError('kmeansPlusPlus: no rows to seed from');
  const { random } = options;
  const limit = Math.min(count, options.sampleLimit ?? 16 * k);
  const rows =
    limit === count ? Int32Array.from({ length: count }, (_, i) => i) : sampleRows(count, limit, random);
  const centroids = new Float32Array(k * dim);
  const nearest = new Float64Array(rows.length).fill(Number.POSITIVE_INFINITY);
  let chosen = rows[random.int(rows.length)]!;
  for (let c = 0; c < k; c++) {
    centroids.set(data.subarray(chosen * dim, (chosen + 1) * dim), c * dim);
    if (c === k - 1) break;
    let total = 0;
    for (let s = 0; s < rows.length; s++) {
      const base = rows[s]! * dim;
      let distance = 0;
      for (let j = 0; j < dim; j++) {
        const difference = data[base + j]! - centroids[c * dim + j]!;
        distance += difference * difference;
      }
      if (distance < nearest[s]!) nearest[s] = distance;
      total += nearest[s]!;
    }
    chosen = total > 0 ? rows[sampleIndex(nearest, total, random)]! : rows[random.int(rows.length)]!;
  }
  return centroids;
}

function sampleIndex(weights: Float64Array, total: number, random: Random): number {
  let target = random.next() * total;
  for (let i = 0; i < weights.length; i++) {
    target -= weights[i]!;
    if (target < 0) return i;
  }
  // Rounding left a sliver: the last row with weight.
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i]! > 0) return i;
  return 0;
}

/** `limit` distinct row indices, ascending (partial Fisher-Yates). */
function sampleRows(count: number, limit: number, random: Random): Int32Array {
  const all = Int32Array.from({ length: count }, (_, i) => i);
  for (let i = 0; i < limit; i++) {
    const j = i + random.int(count - i);
    const swap = all[i]!;
    all[i] = all[j]!;
    all[j] = swap;
  }
  return all.subarray(0, limit).sort();
}
