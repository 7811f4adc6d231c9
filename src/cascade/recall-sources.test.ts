import { describe, expect, it } from 'vitest';
import { cosineNeighbours } from '../baselines/index.js';
import { AnnIndex } from './ann-index.js';
import { AnnRecall } from './ann-recall.js';
import { CandidatePool } from './candidate-pool.js';
import { FreshRecall } from './fresh-recall.js';
import { ItemKnnRecall } from './itemknn-recall.js';
import { PopularRecall, recentCounts } from './popular-recall.js';
import type { RecallQuery } from './recall-source.js';

const HOUR = 3_600_000;
// Six items: 0, 1, 2 co-consumed; 3 and 4 together; 5 by nobody.
const sequences = [Int32Array.of(0, 1, 2), Int32Array.of(0, 1), Int32Array.of(1, 0), Int32Array.of(3, 4)];
const numItems = 6;
const query = (history: number[], userVector: Float32Array | null = null, now = 0): RecallQuery => ({
  history: Int32Array.from(history),
  userVector,
  now,
});
const poolItems = (pool: CandidatePool) => Array.from(pool.items.subarray(0, pool.size));

describe('recall sources', () => {
  it('item-kNN recalls the co-consumed items, most similar first, none unrelated', () => {
    const source = new ItemKnnRecall(cosineNeighbours(sequences, numItems, { neighbours: 5, shrink: 0 }));
    const pool = new CandidatePool(10, new Uint8Array(numItems));
    source.recall(query([0]), 10, pool, 0);
    // sim(0,1) = 3 / sqrt(3 * 3) = 1; sim(0,2) = 1 / sqrt(3 * 1) = 0.58.
    expect(poolItems(pool)).toEqual([1, 2]);
    expect(pool.recallScores[0]).toBeCloseTo(1);
    expect(pool.recallScores[1]).toBeCloseTo(1 / Math.sqrt(3));
  });

  it('item-kNN skips blocked items without spending quota on them', () => {
    const source = new ItemKnnRecall(cosineNeighbours(sequences, numItems, { neighbours: 5, shrink: 0 }));
    const blocked = new Uint8Array(numItems);
    blocked[1] = 1;
    const pool = new CandidatePool(10, blocked);
    source.recall(query([0]), 1, pool, 0);
    expect(poolItems(pool)).toEqual([2]);
  });

  it('popular counts each user once over their recent window and ranks by count', () => {
    const counts = recentCounts([Int32Array.of(2, 2, 3), Int32Array.of(3, 4), Int32Array.of(5, 3)], 6, 2);
    // Window 2: user 0 sees [2, 3], user 1 [3, 4], user 2 [5, 3].
    expect(Array.from(counts)).toEqual([0, 0, 1, 3, 1, 1]);
    const pool = new CandidatePool(10, new Uint8Array(6));
    new PopularRecall(counts).recall(query([]), 3, pool, 2);
    expect(poolItems(pool)).toEqual([3, 2, 4]);
    expect(Array.from(pool.sources.subarray(0, 3))).toEqual([2, 2, 2]);
  });

  it('fresh recalls the newest uploads first with a half-life score, skipping undated items', () => {
    const uploaded = Float64Array.of(0, 5 * HOUR, Number.NaN, 9 * HOUR, 2 * HOUR);
    const source = new FreshRecall(uploaded, 4 * HOUR);
    const pool = new CandidatePool(10, new Uint8Array(5));
    source.recall(query([], null, 9 * HOUR), 10, pool, 3);
    expect(poolItems(pool)).toEqual([3, 1, 4, 0]);
    expect(pool.recallScores[0]).toBeCloseTo(1);
    expect(pool.recallScores[1]).toBeCloseTo(0.5);
  });

  it('a later source fills its quota with items the earlier ones did not take', () => {
    const counts = Float32Array.of(5, 4, 3, 2, 1, 0);
    const pool = new CandidatePool(10, new Uint8Array(6));
    const knn = new ItemKnnRecall(cosineNeighbours(sequences, numItems, { neighbours: 5, shrink: 0 }));
    knn.recall(query([0]), 10, pool, 0);
    new PopularRecall(counts).recall(query([0]), 2, pool, 1);
    expect(poolItems(pool)).toEqual([1, 2, 0, 3]);
    expect(Array.from(pool.sources.subarray(0, 4))).toEqual([0, 0, 1, 1]);
  });

  it('ANN recalls the items nearest the user vector and nothing without one', () => {
    // Items on the unit circle at angles 0, 10, 90, 180 degrees.
    const angles = [0, 10, 90, 180].map((degrees) => (degrees * Math.PI) / 180);
    const vectors = Float32Array.from(angles.flatMap((angle) => [Math.cos(angle), Math.sin(angle)]));
    const source = new AnnRecall(AnnIndex.build({ vectors, count: 4, dim: 2 }));
    const pool = new CandidatePool(10, new Uint8Array(4));
    source.recall(query([0], Float32Array.of(1, 0)), 2, pool, 1);
    expect(poolItems(pool)).toEqual([0, 1]);
    expect(pool.recallScores[0]).toBeCloseTo(1);
    pool.clear();
    source.recall(query([]), 2, pool, 1);
    expect(pool.size).toBe(0);
  });
});
