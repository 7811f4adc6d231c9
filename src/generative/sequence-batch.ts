import { IntTensor } from '../tensor/index.js';

/**
 * Item sequences laid out for a causal model: each row left-padded to the
 * batch's longest row (at most maxLength), so the last column is every
 * user's most recent item.
 */
export interface PaddedBatch {
  /** [B, T] item ids; padding slots hold `padId`. */
  inputs: IntTensor;
  /** [B, T]: 1 for a real item, 0 for padding (the attention's key mask). */
  keyMask: Uint8Array;
}

/** A padded batch plus the next-item target of every real input position. */
export interface NextItemBatch extends PaddedBatch {
  /** [N] flat indices b * T + t of the input positions that have a target (all real positions). */
  positions: IntTensor;
  /** [N] the item that follows each of those positions. */
  targets: IntTensor;
}

/**
 * Histories -> the last `maxLength` items of each, left-padded. An empty
 * history becomes an all-padding row.
 */
export function paddedBatch(histories: readonly Int32Array[], padId: number, maxLength: number): PaddedBatch {
  const windows = histories.map((history) => history.subarray(Math.max(0, history.length - maxLength)));
  const time = Math.max(1, ...windows.map((window) => window.length));
  const inputs = new Int32Array(histories.length * time).fill(padId);
  const keyMask = new Uint8Array(histories.length * time);
  windows.forEach((window, row) => {
    const start = row * time + time - window.length;
    inputs.set(window, start);
    keyMask.fill(1, start, start + window.length);
  });
  return { inputs: new IntTensor(inputs, [histories.length, time]), keyMask };
}

/**
 * Whole sequences -> causal next-item training rows (SASRec, Kang & McAuley
 * 2018, sec. III): input seq[:-1], target seq[1:], over the last maxLength + 1
 * items, so every position of every user trains in one pass.
 */
export function nextItemBatch(
  sequences: readonly Int32Array[],
  padId: number,
  maxLength: number,
): NextItemBatch {
  const windows = sequences.map((sequence) =>
    sequence.subarray(Math.max(0, sequence.length - maxLength - 1)),
  );
  const { inputs, keyMask } = paddedBatch(
    windows.map((window) => window.subarray(0, Math.max(0, window.length - 1))),
    padId,
    maxLength,
  );
  const time = inputs.shape[1]!;
  const count = windows.reduce((sum, window) => sum + Math.max(0, window.length - 1), 0);
  const positions = new Int32Array(count);
  const targets = new Int32Array(count);
  let n = 0;
  windows.forEach((window, row) => {
    const steps = window.length - 1;
    for (let i = 0; i < steps; i++) {
      positions[n] = row * time + time - steps + i;
      targets[n] = window[i + 1]!;
      n++;
    }
  });
  return {
    inputs,
    keyMask,
    positions: new IntTensor(positions, [count]),
    targets: new IntTensor(targets, [count]),
  };
}
