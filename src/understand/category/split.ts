import { Random } from '../../core/index.js';

export interface HoldOutSplit {
  train: number[];
  test: number[];
}

/**
 * Seeded random split of `count` example indices: a shuffled `testFraction`
 * (default 0.2) is held out. Both lists come back in ascending order.
 */
export function holdOutSplit(
  count: number,
  options: { testFraction?: number; seed?: number } = {},
): HoldOutSplit {
  const fraction = options.testFraction ?? 0.2;
  if (!(fraction > 0 && fraction < 1))
    throw new RangeError(`holdOutSplit: testFraction ${fraction} not in (0, 1)`);
  const order = new Random(options.seed ?? 42).shuffle(Array.from({ length: count }, (_, i) => i));
  const testSize = Math.round(count * fraction);
  const byIndex = (a: number, b: number): number => a - b;
  return { test: order.slice(0, testSize).sort(byIndex), train: order.slice(testSize).sort(byIndex) };
}
