import { createHash } from 'node:crypto';
import type { Dataset } from '../data/index.js';
import { type SplitProtocol, splitDataset } from '../eval/index.js';

/** What `genfeed train` fits on: every user's whole positive sequence, or the evaluation's refit data. */
export const fitTargets = ['all', 'train+validation'] as const;
export type FitOn = (typeof fitTargets)[number];

export interface FitSequenceOptions {
  /** The split whose train + validation part `train+validation` means (default: the data set's own). */
  protocol?: SplitProtocol | undefined;
  validationFraction?: number | undefined;
  testFraction?: number | undefined;
}

/**
 * Per user (dense index), the items a deployed model is fit on: with `all`,
 * every positive interaction in time order (label >= the data set's positive
 * threshold, when it has one); with `train+validation`, exactly what
 * `genfeed eval` refits on before the test (its figures then describe this model).
 */
export function fitSequences(dataset: Dataset, fitOn: FitOn, options: FitSequenceOptions = {}): Int32Array[] {
  if (fitOn === 'train+validation') {
    return splitDataset(dataset, {
      ...(options.protocol && { protocol: options.protocol }),
      ...(options.validationFraction && { validationFraction: options.validationFraction }),
      ...(options.testFraction && { testFraction: options.testFraction }),
    }).test.fit;
  }
  const table = dataset.interactions;
  const threshold = dataset.positiveThreshold;
  return table.rowsByUser().map((rows) =>
    Int32Array.from(
      rows.filter((row) => threshold === undefined || table.label[row]! >= threshold),
      (row) => table.item[row]!,
    ),
  );
}

/** sha256 (hex) over the item ids and the fit sequences: equal only for the same training data. */
export function datasetFingerprint(itemIds: readonly string[], sequences: readonly Int32Array[]): string {
  const hash = createHash('sha256');
  hash.update(`${itemIds.length}\n${itemIds.join('\n')}\n${sequences.length}\n`);
  for (const sequence of sequences) {
    hash.update(new Uint8Array(new Int32Array([sequence.length]).buffer));
    hash.update(new Uint8Array(sequence.buffer, sequence.byteOffset, sequence.byteLength));
  }
  return hash.digest('hex');
}
