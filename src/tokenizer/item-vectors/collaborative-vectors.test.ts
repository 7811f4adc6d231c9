import { describe, expect, it } from 'vitest';
import { Random } from '../../core/index.js';
import { collaborativeVectors } from './collaborative-vectors.js';
import { cooccurrenceMatrix } from './cooccurrence-matrix.js';

function dot(vectors: Float32Array, dim: number, a: number, b: number): number {
  let sum = 0;
  for (let j = 0; j < dim; j++) sum += vectors[a * dim + j]! * vectors[b * dim + j]!;
  return sum;
}

/** Users browse within one of three communities of 10 items (0-9, 10-19, 20-29); item 30 is never seen. */
function communitySequences(users: number, seed: number): Int32Array[] {
  const random = new Random(seed);
  return Array.from({ length: users }, () => {
    const community = random.int(3);
    return Int32Array.from({ length: 8 }, () => community * 10 + random.int(10));
  });
}

describe('cooccurrenceMatrix', () => {
  it('counts pairs within the window both ways, weighted 1 / distance, without self-pairs', () => {
    const matrix = cooccurrenceMatrix([Int32Array.from([0, 1, 2, 2])], 3, 2);
    const value = (row: number, col: number): number => {
      for (let at = matrix.rowStart[row]!; at < matrix.rowStart[row + 1]!; at++) {
        if (matrix.indices[at] === col) return matrix.values[at]!;
      }
      return 0;
    };
    expect(value(0, 1)).toBe(1);
    expect(value(1, 0)).toBe(1);
    expect(value(0, 2)).toBe(0.5);
    expect(value(1, 2)).toBe(1.5); // distance 1 and distance 2
    expect(value(2, 2)).toBe(0);
  });
});

describe('collaborativeVectors', () => {
  it('puts items of one community together and reports unseen items', () => {
    const result = collaborativeVectors(communitySequences(600, 1), 31, { dim: 8, seed: 2 });
    expect(result.count).toBe(31);
    expect([...result.emptyItems]).toEqual([30]);
    expect(result.vectors.subarray(30 * 8).every((value) => value === 0)).toBe(true);
    let within = 0;
    let across = 0;
    for (let a = 0; a < 30; a++) {
      for (let b = 0; b < 30; b++) {
        if (a === b) continue;
        if (Math.floor(a / 10) === Math.floor(b / 10)) within += dot(result.vectors, 8, a, b) / 270;
        else across += dot(result.vectors, 8, a, b) / 600;
      }
    }
    expect(within).toBeGreaterThan(across + 0.5);
    expect(collaborativeVectors(communitySequences(600, 1), 31, { dim: 8, seed: 2 }).vectors).toEqual(
      result.vectors,
    );
  });
});
