import { InvalidInputError } from '../core/index.js';
import type { InteractionTable } from '../data/index.js';
import { segmentSplit } from './segment-split.js';
import type { EvalSplit } from './split.js';

/** The split a data set ships with (KuaiRec small-matrix train/valid/test files): one part per row. */
export function givenSplit(
  table: InteractionTable,
  part: Uint8Array,
  options: { positiveThreshold?: number } = {},
): EvalSplit {
  if (part.length !== table.length) {
    throw new RangeError(`givenSplit: part has ${part.length} rows, the table has ${table.length}`);
  }
  for (let row = 0; row < part.length; row++) {
    if (part[row]! > 2)
      throw new InvalidInputError(`givenSplit: row ${row} has part ${part[row]}, expected 0, 1 or 2`);
  }
  return segmentSplit(table, part, {
    protocol: 'given',
    description:
      'the split shipped with the data set (train / valid / test files); positives are the targets',
    positiveThreshold: options.positiveThreshold,
  });
}
