import type { StatsOptions } from './store.js';

/** A window cut at whole units: the units a rollup answers, and the raw edges around them. */
export interface RollupWindow {
  /** Unit indices `[from, to)` the rollup covers (bounds absent: open), or undefined when none. */
  whole: { from?: number; to?: number } | undefined;
  /** Parts of the window shorter than a unit, read from the log. */
  edges: Array<{ since?: number; until?: number }>;
}

/**
 * Cuts `[since, until)` at multiples of `unitMs`: the whole units inside go to
 * a rollup keyed by `floor(time / unitMs)`, what is left at either end (less
 * than a unit each) to the log, so the sums are exact for any window.
 */
export function rollupWindow(options: Pick<StatsOptions, 'since' | 'until'>, unitMs: number): RollupWindow {
  const { since, until } = options;
  const from = since === undefined ? undefined : Math.ceil(since / unitMs);
  const to = until === undefined ? undefined : Math.floor(until / unitMs);
  // No whole unit inside: all of it from the log.
  if (since !== undefined && until !== undefined && from! >= to!)
    return { whole: undefined, edges: [{ since, until }] };
  const edges: RollupWindow['edges'] = [];
  if (since !== undefined && from !== undefined && since < from * unitMs)
    edges.push({ since, until: from * unitMs });
  if (until !== undefined && to !== undefined && to * unitMs < until)
    edges.push({ since: to * unitMs, until });
  return {
    whole: { ...(from !== undefined && { from }), ...(to !== undefined && { to }) },
    edges,
  };
}

/** `column` within a rollup window's whole units. */
export function unitRange(
  // biome-ignore lint/suspicious/noExplicitAny: the same filter applies to every rollup table
  eb: any,
  column: 'hour' | 'day',
  units: NonNullable<RollupWindow['whole']>,
) {
  const conditions = [];
  if (units.from !== undefined) conditions.push(eb(column, '>=', units.from));
  if (units.to !== undefined) conditions.push(eb(column, '<', units.to));
  return eb.and(conditions);
}
