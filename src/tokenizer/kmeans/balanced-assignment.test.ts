import { describe, expect, it } from 'vitest';
import { Random } from '../../core/index.js';
import { balancedAssignment } from './balanced-assignment.js';
import { kmeansPlusPlus } from './kmeans-plus-plus.js';
import { nearestCandidates } from './nearest-candidates.js';

/** 80% of the rows in one tight blob, the rest spread out: plain nearest assignment piles up. */
function skewedRows(rows: number, dim: number, seed: number): Float32Array {
  const random = new Random(seed);
  return Float32Array.from({ length: rows * dim }, (_, i) =>
    Math.floor(i / dim) < rows * 0.8 ? 0.05 * random.normal() : 3 * random.normal(),
  );
}

function sizesOf(assignment: Int32Array, k: number): number[] {
  const sizes = new Array<number>(k).fill(0);
  for (const code of assignment) sizes[code]!++;
  return sizes;
}

describe('balancedAssignment', () => {
  const rows = 1000;
  const dim = 8;
  const k = 64;
  const data = skewedRows(rows, dim, 1);
  const centroids = kmeansPlusPlus(data, dim, k, { random: new Random(2) });

  it('gives every code floor(N/K) or ceil(N/K) rows, with the whole matrix or with candidates only', () => {
    for (const options of [{}, { fullMatrixLimit: 0, candidates: 4 }]) {
      const sizes = sizesOf(balancedAssignment(data, dim, centroids, options), k);
      expect(Math.min(...sizes)).toBe(15);
      expect(Math.max(...sizes)).toBe(16);
      expect(sizes.filter((size) => size === 16)).toHaveLength(rows % k);
    }
  });

  it('would overflow codes without balancing, and is deterministic', () => {
    const nearest = nearestCandidates(data, dim, centroids, 1).codes;
    expect(Math.max(...sizesOf(nearest, k))).toBeGreaterThan(2 * 16);
    expect(balancedAssignment(data, dim, centroids)).toEqual(balancedAssignment(data, dim, centroids));
  });

  it('keeps most rows on their nearest code and costs far less than a random balanced assignment', () => {
    const random = new Random(5);
    const spread = Float32Array.from({ length: rows * dim }, () => random.normal());
    const seeds = kmeansPlusPlus(spread, dim, k, { random: new Random(6) });
    const assignment = balancedAssignment(spread, dim, seeds);
    const nearest = nearestCandidates(spread, dim, seeds, 1).codes;
    let kept = 0;
    for (let row = 0; row < rows; row++) if (assignment[row] === nearest[row]) kept++;
    const cost = (codes: ArrayLike<number>): number => {
      let total = 0;
      for (let row = 0; row < rows; row++) {
        for (let j = 0; j < dim; j++) total += (spread[row * dim + j]! - seeds[codes[row]! * dim + j]!) ** 2;
      }
      return total;
    };
    const shuffled = new Random(7).shuffle([...assignment]);
    expect(kept / rows).toBeGreaterThan(0.4);
    expect(cost(assignment)).toBeLessThan(0.5 * cost(shuffled));
  });

  it('uses each code at most once when there are fewer rows than codes', () => {
    const few = data.subarray(0, 10 * dim);
    const sizes = sizesOf(balancedAssignment(few, dim, centroids), k);
    expect(Math.max(...sizes)).toBe(1);
    expect(sizes.filter((size) => size === 1)).toHaveLength(10);
  });
});
