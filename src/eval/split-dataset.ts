import { InvalidInputError } from '../core/index.js';
import type { Dataset } from '../data/index.js';
import { givenSplit } from './given-split.js';
import { leaveOneOut } from './leave-one-out.js';
import type { EvalSplit } from './split.js';
import { type TemporalSplitOptions, temporalSplit } from './temporal-split.js';

export const splitProtocols = ['leave-one-out', 'temporal', 'given'] as const;
export type SplitProtocol = (typeof splitProtocols)[number];

/**
 * The protocol a data set is evaluated with unless told otherwise: its own
 * split when it ships one (KuaiRec small matrix), leave-one-out for sequence
 * files (the TIGER / S3-Rec protocol), a global time cut for timestamped logs.
 */
export function defaultProtocol(dataset: Dataset): SplitProtocol {
  if (dataset.part) return 'given';
  if (dataset.format === 'sequences') return 'leave-one-out';
  return 'temporal';
}

export function splitDataset(
  dataset: Dataset,
  options: { protocol?: SplitProtocol } & Omit<TemporalSplitOptions, 'positiveThreshold'> = {},
): EvalSplit {
  const protocol = options.protocol ?? defaultProtocol(dataset);
  const threshold =
    dataset.positiveThreshold === undefined ? {} : { positiveThreshold: dataset.positiveThreshold };
  if (protocol === 'given') {
    if (!dataset.part) {
      throw new InvalidInputError(
        `Data set ${dataset.name} ships no split of its own; use leave-one-out or temporal`,
      );
    }
    return givenSplit(dataset.interactions, dataset.part, threshold);
  }
  if (protocol === 'leave-one-out') return leaveOneOut(dataset.interactions, threshold);
  return temporalSplit(dataset.interactions, { ...options, ...threshold });
}
