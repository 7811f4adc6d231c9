import type { InteractionTable } from '../data/index.js';
import type { EvalPhase, EvalSplit } from './split.js';

/** Where a row falls: 0 train, 1 validation, 2 test. */
export type Segment = 0 | 1 | 2;
export const TRAIN: Segment = 0;
export const VALIDATION: Segment = 1;
export const TEST: Segment = 2;

/**
 * Builds both evaluation phases from a per-row segment, shared by every split
 * protocol. Per user, in time order:
 * - validation: fit on train positives; exclude every train row (seen, liked or not);
 *   find the validation positives;
 * - test: fit on train + validation positives; exclude every train and validation
 *   row; find the test positives.
 * Targets the user already consumed earlier are dropped: they cannot be ranked
 * once seen items are excluded, so they would only count as certain misses.
 */
export function segmentSplit(
  table: InteractionTable,
  segmentOfRow: Uint8Array,
  options: {
    protocol: string;
    description: string;
    /** Rows whose label is >= this are positives; undefined: every row is. */
    positiveThreshold?: number | undefined;
  },
): EvalSplit {
  const numUsers = table.users.size;
  const threshold = options.positiveThreshold;
  const isPositive = (row: number): boolean => threshold === undefined || table.label[row]! >= threshold;
  const validation = emptyPhase('validation', numUsers);
  const test = emptyPhase('test', numUsers);

  const rowsByUser = table.rowsByUser();
  for (let user = 0; user < numUsers; user++) {
    const trainFit: number[] = [];
    const fullFit: number[] = [];
    const trainSeen = new Set<number>();
    const allSeen = new Set<number>();
    const validationPositives: number[] = [];
    const testPositives: number[] = [];
    for (const row of rowsByUser[user]!) {
      const item = table.item[row]!;
      const segment = segmentOfRow[row]!;
      const positive = isPositive(row);
      if (segment === TRAIN) {
        trainSeen.add(item);
        allSeen.add(item);
        if (positive) {
          trainFit.push(item);
          fullFit.push(item);
        }
      } else if (segment === VALIDATION) {
        allSeen.add(item);
        if (positive) {
          validationPositives.push(item);
          fullFit.push(item);
        }
      } else if (positive) {
        testPositives.push(item);
      }
    }
    const trainHistory = Int32Array.from(trainFit);
    const fullHistory = Int32Array.from(fullFit);
    validation.fit[user] = trainHistory;
    validation.history[user] = trainHistory;
    validation.exclude[user] = Int32Array.from(trainSeen);
    validation.targets[user] = distinctUnseen(validationPositives, trainSeen);
    test.fit[user] = fullHistory;
    test.history[user] = fullHistory;
    test.exclude[user] = Int32Array.from(allSeen);
    test.targets[user] = distinctUnseen(testPositives, allSeen);
  }
  return {
    protocol: options.protocol,
    description: options.description,
    numUsers,
    numItems: table.items.size,
    validation,
    test,
  };
}

function emptyPhase(name: EvalPhase['name'], numUsers: number): EvalPhase {
  const empty = (): Int32Array[] => Array.from({ length: numUsers }, () => new Int32Array(0));
  return { name, fit: empty(), history: empty(), exclude: empty(), targets: empty() };
}

function distinctUnseen(items: number[], seen: Set<number>): Int32Array {
  return Int32Array.from(new Set(items.filter((item) => !seen.has(item))));
}
