import { InvalidInputError } from '../core/index.js';
import type { InteractionTable } from '../data/index.js';
import { segmentSplit, TEST, TRAIN, VALIDATION } from './segment-split.js';
import type { EvalSplit } from './split.js';

export interface TemporalSplitOptions {
  /** Share of interactions (by time) in the validation window. Default 0.1. */
  validationFraction?: number;
  /** Share of interactions (by time) in the test window, the latest ones. Default 0.1. */
  testFraction?: number;
  positiveThreshold?: number;
}

/**
 * A global time cut: every interaction before t1 is training, [t1, t2) is
 * validation, t2 and later is test, with t1 and t2 the time quantiles that
 * give the requested shares. Unlike leave-one-out, no future leaks into any
 * user's training data.
 */
export function temporalSplit(table: InteractionTable, options: TemporalSplitOptions = {}): EvalSplit {
  const validationFraction = options.validationFraction ?? 0.1;
  const testFraction = options.testFraction ?? 0.1;
  if (!(validationFraction > 0 && testFraction > 0 && validationFraction + testFraction < 1)) {
    throw new RangeError(
      `temporalSplit needs fractions > 0 summing below 1, got validation ${validationFraction} and test ${testFraction}`,
    );
  }
  const times = Float64Array.from(table.time);
  for (let row = 0; row < times.length; row++) {
    if (Number.isNaN(times[row])) {
      throw new InvalidInputError(
        `A temporal split needs a time on every interaction; row ${row} (user ${table.users.id(table.user[row]!)}) has none`,
      );
    }
  }
  times.sort();
  const quantile = (fraction: number): number =>
    times[Math.min(times.length - 1, Math.floor(fraction * times.length))] ?? 0;
  const validationStart = quantile(1 - validationFraction - testFraction);
  const testStart = quantile(1 - testFraction);
  const segment = new Uint8Array(table.length);
  for (let row = 0; row < table.length; row++) {
    const time = table.time[row]!;
    segment[row] = time >= testStart ? TEST : time >= validationStart ? VALIDATION : TRAIN;
  }
  const iso = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);
  return segmentSplit(table, segment, {
    protocol: 'temporal',
    description: `global time cut: train before ${iso(validationStart)}, validation until ${iso(testStart)}, test after (last ${Math.round(testFraction * 100)}% of interactions)`,
    positiveThreshold: options.positiveThreshold,
  });
}
