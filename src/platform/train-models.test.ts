import { describe, expect, it } from 'vitest';
import { generativeSpec } from '../generative/index.js';
import { demoGenerativeParams, trainingWindows } from './train-models.js';

const range = (from: number, to: number) => Int32Array.from({ length: to - from }, (_, i) => from + i);

describe('trainingWindows', () => {
  it('cuts a long history into windows ending at its newest play, every play in one', () => {
    const windows = trainingWindows([range(0, 10)], 4);
    expect(windows.map((window) => Array.from(window))).toEqual([
      [6, 7, 8, 9],
      [2, 3, 4, 5],
      [0, 1],
    ]);
  });

  it('keeps short histories whole and overlaps windows by window - stride', () => {
    const windows = trainingWindows([range(0, 3), range(10, 17)], 4, 2);
    expect(windows.map((window) => Array.from(window))).toEqual([
      [0, 1, 2],
      [13, 14, 15, 16],
      [11, 12, 13, 14],
      [10, 11, 12],
    ]);
  });

  it('rejects a window below 2 or a stride outside [1, window]', () => {
    expect(() => trainingWindows([range(0, 5)], 1)).toThrow(/window must be an integer >= 2, got 1/);
    expect(() => trainingWindows([range(0, 5)], 4, 5)).toThrow(
      /stride must be an integer in \[1, 4\], got 5/,
    );
  });
});

describe('trainingWindows with maxWindows', () => {
  it('keeps only the newest windows', () => {
    const windows = trainingWindows([range(0, 20)], 6, 3, 2);
    expect(windows.map((window) => Array.from(window))).toEqual([
      [14, 15, 16, 17, 18, 19],
      [11, 12, 13, 14, 15, 16],
    ]);
  });
});

describe('demoGenerativeParams', () => {
  it('is config/generative-demo.json over the spec defaults', () => {
    expect(demoGenerativeParams).toEqual({
      ...generativeSpec.defaults,
      architecture: 'lazy-decoder',
      dim: 64,
      heads: 2,
      layers: 2,
      epochs: 12,
      decayEpochs: 12,
      batchSize: 16,
      codebookSize: 32,
      levels: 3,
      maxItems: 30,
      dropout: 0.1,
      beamWidth: 20,
    });
  });
});
