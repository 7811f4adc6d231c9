import { describe, expect, it } from 'vitest';
import { generativeSpec } from '../generative/index.js';
import { demoGenerativeParams, holdOutTail, trainingWindows } from './train-models.js';
import type { TrainingLog } from './training-log.js';

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
      idModel: 'pop',
      idCandidates: 5,
    });
  });
});

const logOf = (sequences: number[][]) =>
  ({ sequences: sequences.map((sequence) => Int32Array.from(sequence)) }) as unknown as TrainingLog;

describe('holdOutTail', () => {
  const sequences = [
    [1, 2, 3],
    [4, 5],
    [6, 7, 8, 9],
    [1, 3, 5, 7],
    [2],
    [8, 6, 4],
    [9, 8, 7, 6, 5],
    [3, 2, 1],
  ];
  const log = logOf(sequences);

  it('holds out the last play of users with enough plays and reports a seeded sample of them', () => {
    const heldOut = holdOutTail(log, { maxUsers: 3, seed: 5 });
    expect(heldOut.users).toHaveLength(3);
    heldOut.users.forEach((user, i) => {
      expect(sequences[user]!.length).toBeGreaterThanOrEqual(3);
      expect(heldOut.targets[i]).toBe(sequences[user]!.at(-1));
    });
    sequences.forEach((sequence, user) => {
      const cut = sequence.length >= 3 ? sequence.slice(0, -1) : sequence;
      expect(Array.from(heldOut.fit[user]!)).toEqual(cut);
    });
    expect(holdOutTail(log, { maxUsers: 3, seed: 5 }).users).toEqual(heldOut.users);
  });

  it('turns the other held-out plays into a validation phase disjoint from the reported users', () => {
    const heldOut = holdOutTail(log, { maxUsers: 3, seed: 5 });
    const { validation } = heldOut;
    const reported = new Set(heldOut.users);
    const validated = validation.targets.flatMap((targets, user) => (targets.length > 0 ? [user] : []));
    // Every user with a held-out play is either reported or validated, never both.
    const heldOutUsers = sequences.flatMap((sequence, user) => (sequence.length >= 3 ? [user] : []));
    expect(validated.filter((user) => reported.has(user))).toEqual([]);
    expect([...validated, ...heldOut.users].sort((a, b) => a - b)).toEqual(heldOutUsers);
    for (const user of validated) {
      expect(Array.from(validation.targets[user]!)).toEqual([sequences[user]!.at(-1)]);
      expect(Array.from(validation.history[user]!)).toEqual(sequences[user]!.slice(0, -1));
      expect(validation.exclude[user]).toBe(validation.history[user]);
    }
    expect(validation.name).toBe('validation');
  });

  it('leaves no validation users when every held-out user is reported', () => {
    const heldOut = holdOutTail(log, { maxUsers: 100 });
    expect(heldOut.validation.targets.every((targets) => targets.length === 0)).toBe(true);
  });
});
