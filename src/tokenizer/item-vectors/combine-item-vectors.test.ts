import { describe, expect, it } from 'vitest';
import { Random } from '../../core/index.js';
import { normalizeRows } from '../linalg/row-norms.js';
import { combineItemVectors } from './combine-item-vectors.js';
import type { ItemVectors } from './item-vectors.js';

function unitRows(count: number, dim: number, seed: number): ItemVectors {
  const random = new Random(seed);
  const vectors = normalizeRows(
    Float32Array.from({ length: count * dim }, () => random.normal()),
    dim,
  );
  return { vectors, count, dim };
}

function dot(vectors: Float32Array, dim: number, a: number, b: number): number {
  let sum = 0;
  for (let j = 0; j < dim; j++) sum += vectors[a * dim + j]! * vectors[b * dim + j]!;
  return sum;
}

describe('combineItemVectors', () => {
  const content = unitRows(50, 6, 1);
  const collaborative = unitRows(50, 4, 2);

  it('makes the dot product the weighted mean of the two cosines', () => {
    const combined = combineItemVectors(content, collaborative, { contentWeight: 0.3 });
    expect(combined.dim).toBe(10);
    for (const [a, b] of [
      [0, 1],
      [5, 9],
      [20, 41],
    ] as const) {
      const expected = 0.3 * dot(content.vectors, 6, a, b) + 0.7 * dot(collaborative.vectors, 4, a, b);
      expect(dot(combined.vectors, 10, a, b)).toBeCloseTo(expected, 5);
    }
  });

  it('keeps an item that one block lacks at unit norm', () => {
    const missing = { ...collaborative, vectors: collaborative.vectors.slice() };
    missing.vectors.fill(0, 0, 4);
    const combined = combineItemVectors(content, missing);
    expect(dot(combined.vectors, 10, 0, 0)).toBeCloseTo(1, 5);
    expect(combined.vectors.subarray(6, 10).every((value) => value === 0)).toBe(true);
  });

  it('re-reduces to a smaller dimension by PCA with unit rows', () => {
    const combined = combineItemVectors(content, collaborative, { dim: 5, seed: 1 });
    expect(combined.dim).toBe(5);
    expect(combined.vectors).toHaveLength(250);
    for (let item = 0; item < 50; item++) expect(dot(combined.vectors, 5, item, item)).toBeCloseTo(1, 5);
  });

  it('rejects mismatched item counts and weights outside [0, 1]', () => {
    expect(() => combineItemVectors(content, unitRows(49, 4, 3))).toThrow(RangeError);
    expect(() => combineItemVectors(content, collaborative, { contentWeight: 1.5 })).toThrow(RangeError);
  });
});
