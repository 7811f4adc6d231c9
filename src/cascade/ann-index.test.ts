import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Random } from '../core/index.js';
import { AnnIndex } from './ann-index.js';

function unitVectors(count: number, dim: number, random: Random): Float32Array {
  const vectors = new Float32Array(count * dim);
  for (let row = 0; row < count; row++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      vectors[row * dim + d] = random.normal();
      norm += vectors[row * dim + d]! ** 2;
    }
    for (let d = 0; d < dim; d++) vectors[row * dim + d]! /= Math.sqrt(norm);
  }
  return vectors;
}

function bruteForce(vectors: Float32Array, dim: number, query: Float32Array, k: number): number[] {
  const count = vectors.length / dim;
  const scores = Array.from({ length: count }, (_, row) => {
    let sum = 0;
    for (let d = 0; d < dim; d++) sum += vectors[row * dim + d]! * query[d]!;
    return sum;
  });
  return Array.from(scores.keys())
    .sort((a, b) => scores[b]! - scores[a]!)
    .slice(0, k);
}

describe('AnnIndex (hnswlib HNSW, inner product)', () => {
  const dim = 16;
  const random = new Random(9);
  const vectors = unitVectors(3000, dim, random);
  const queries = unitVectors(100, dim, random);
  const index = AnnIndex.build({ vectors, count: 3000, dim });

  it('finds the true 10 nearest neighbours (recall@10 >= 0.95 against brute force)', () => {
    let hits = 0;
    for (let q = 0; q < 100; q++) {
      const query = queries.subarray(q * dim, (q + 1) * dim);
      const truth = new Set(bruteForce(vectors, dim, query, 10));
      const found = index.search(query, 10);
      expect(found.items).toHaveLength(10);
      hits += found.items.filter((item) => truth.has(item)).length;
      // Similarities are inner products, best first.
      for (let k = 1; k < 10; k++)
        expect(found.similarities[k]!).toBeLessThanOrEqual(found.similarities[k - 1]! + 1e-6);
    }
    expect(hits / 1000).toBeGreaterThanOrEqual(0.95);
  });

  it('respects the accept filter', () => {
    const query = queries.subarray(0, dim);
    const found = index.search(query, 10, (item) => item % 2 === 0);
    expect(found.items).toHaveLength(10);
    expect(found.items.every((item) => item % 2 === 0)).toBe(true);
  });

  it('leaves zero vectors out and reads back what it wrote', () => {
    const withZero = Float32Array.from([1, 0, 0, 0, 0, 1]);
    const small = AnnIndex.build({ vectors: withZero, count: 3, dim: 2 });
    expect(small.size).toBe(2);
    const path = join(mkdtempSync(join(tmpdir(), 'genfeed-ann-')), 'index.hnsw');
    index.write(path);
    const read = AnnIndex.read(path, dim, index.ef);
    const query = queries.subarray(dim, 2 * dim);
    expect(read.search(query, 10)).toEqual(index.search(query, 10));
  });
});
