import type { InteractionTable } from '../data/index.js';
import { type Segment, segmentSplit, TEST, TRAIN, VALIDATION } from './segment-split.js';
import type { EvalSplit } from './split.js';

/**
 * Leave-one-out as in TIGER and S3-Rec: per user, the last positive is the test
 * target, the one before it the validation target, the rest is training; the
 * validation item joins the history at test time. Users with two positives
 * have a test target only; a user with one keeps it for training.
 */
export function leaveOneOut(
  table: InteractionTable,
  options: { positiveThreshold?: number } = {},
): EvalSplit {
  const threshold = options.positiveThreshold;
  const segment = new Uint8Array(table.length);
  for (const rows of table.rowsByUser()) {
    const positives = Array.from(rows).filter(
      (row) => threshold === undefined || table.label[row]! >= threshold,
    );
    const last = positives.length >= 2 ? positives.at(-1) : undefined;
    const beforeLast = positives.length >= 3 ? positives.at(-2) : undefined;
    // Negatives after the last positive are never seen before the test: keep them out of the history too.
    const lastIndex = last === undefined ? -1 : rows.indexOf(last);
    const beforeLastIndex = beforeLast === undefined ? -1 : rows.indexOf(beforeLast);
    rows.forEach((row, index) => {
      let value: Segment = TRAIN;
      if (lastIndex >= 0 && index >= lastIndex) value = TEST;
      else if (beforeLastIndex >= 0 && index >= beforeLastIndex) value = VALIDATION;
      segment[row] = value;
    });
  }
  return segmentSplit(table, segment, {
    protocol: 'leave-one-out',
    description:
      'per user, last item = test, second-to-last = validation (joins the history at test time), rest = train',
    positiveThreshold: threshold,
  });
}
