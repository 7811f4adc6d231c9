import type { Params, ParamValue } from './recommender.js';

/**
 * Every combination of the searched values, each completed with the fixed
 * parameters. Keys fixed by the caller are not searched. Order is stable: the
 * first key varies slowest.
 */
export function paramGrid(fixed: Params, search: Record<string, readonly ParamValue[]>): Params[] {
  let grid: Params[] = [{ ...fixed }];
  for (const [key, values] of Object.entries(search)) {
    if (values.length === 0) throw new RangeError(`Search values for "${key}" are empty`);
    grid = grid.flatMap((params) => values.map((value) => ({ ...params, [key]: value })));
  }
  return grid;
}
