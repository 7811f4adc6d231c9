import { describe, expect, it } from 'vitest';
import { Random } from '../../core/index.js';
import { residualKmeans } from './residual-kmeans.js';

function gaussianRows(rows: number, dim: number, seed: number): Float32Array {
  const random = new Random(seed);
  return Float32Array.from({ length: rows * dim }, () => random.normal());
}

/** mean ||x - sum of the first `levels` chosen centroids||^2 / mean ||x||^2. */
function relativeError(
  vectors: Float32Array,
  dim: number,
  fitted: ReturnType<typeof residualKmeans>,
  levels: number,
) {
  const count = vectors.length / dim;
  const total = fitted.codebooks.length;
  let error = 0;
  let norm = 0;
  for (let item = 0; item < count; item++) {
    for (let j = 0; j < dim; j++) {
      let value = vectors[item * dim + j]!;
      norm += value * value;
      for (let level = 0; level < levels; level++) {
        value -= fitted.codebooks[level]![fitted.codes[item * total + level]! * dim + j]!;
      }
      error += value * value;
    }
  }
  return error / norm;
}

describe('residualKmeans', () => {
  const dim = 16;
  const vectors = gaussianRows(1200, dim, 1);

  it('reconstructs better with every level', () => {
    const fitted = residualKmeans({ vectors, count: 1200, dim }, { levels: 4, codebookSize: 16, seed: 3 });
    const errors = [0, 1, 2, 3, 4].map((levels) => relativeError(vectors, dim, fitted, levels));
    expect(errors[0]).toBeCloseTo(1, 6);
    for (let level = 1; level <= 4; level++) expect(errors[level]!).toBeLessThan(errors[level - 1]! * 0.97);
  });

  it('uses every code, none above ceil(N/K), on skewed data where plain k-means overfills codes', () => {
    const random = new Random(11);
    const count = 2000;
    // 90% of the items are near-duplicates of four points: plain k-means cannot split them.
    const skewed = Float32Array.from({ length: count * dim }, (_, i) => {
      const item = Math.floor(i / dim);
      return item < 0.9 * count ? (item % 4) + 1e-3 * random.normal() : random.normal();
    });
    const used = (balanced: boolean) => {
      const fitted = residualKmeans(
        { vectors: skewed, count, dim },
        { levels: 1, codebookSize: 64, balanced, seed: 1 },
      );
      const sizes = new Int32Array(64);
      for (const code of fitted.codes) sizes[code]!++;
      return { used: sizes.filter((size) => size > 0).length, largest: Math.max(...sizes) };
    };
    expect(used(true)).toEqual({ used: 64, largest: Math.ceil(count / 64) });
    expect(used(false).largest).toBeGreaterThan(4 * Math.ceil(count / 64));
  });

  it('logs one line per level', () => {
    const lines: string[] = [];
    const logger = { info() {}, warn() {}, error() {}, debug: (line: string) => void lines.push(line) };
    residualKmeans({ vectors, count: 1200, dim }, { levels: 2, codebookSize: 8, logger });
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(
      /^RQ-Kmeans level 2\/2: \d+ iterations, relative reconstruction error 0\.\d{4}$/,
    );
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const options = { levels: 2, codebookSize: 16, seed: 5 };
    const first = residualKmeans({ vectors, count: 1200, dim }, options);
    const second = residualKmeans({ vectors, count: 1200, dim }, options);
    expect(second.codes).toEqual(first.codes);
    expect(second.codebooks).toEqual(first.codebooks);
    const other = residualKmeans({ vectors, count: 1200, dim }, { ...options, seed: 6 });
    expect(other.codes).not.toEqual(first.codes);
  });

  it('rejects codebook sizes outside [2, 8192] and empty input', () => {
    expect(() => residualKmeans({ vectors, count: 1200, dim }, { codebookSize: 8193 })).toThrow(RangeError);
    expect(() => residualKmeans({ vectors, count: 1200, dim }, { levels: 0 })).toThrow(RangeError);
    expect(() => residualKmeans({ vectors: new Float32Array(0), count: 0, dim })).toThrow(RangeError);
    expect(() => residualKmeans({ vectors, count: 1000, dim })).toThrow(RangeError);
  });
});
