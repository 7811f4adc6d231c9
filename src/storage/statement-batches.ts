/**
 * Bound parameters per statement: under SQLite's 32,766 and PostgreSQL's
 * 65,535, so a batch of any size is cut into statements both accept.
 */
const MAX_PARAMETERS = 30_000;

/** Splits rows into statements of at most MAX_PARAMETERS bound values. */
export function* batches<T>(rows: readonly T[], columns = columnCount(rows[0])): Generator<T[]> {
  const size = Math.max(1, Math.floor(MAX_PARAMETERS / columns));
  for (let start = 0; start < rows.length; start += size) yield rows.slice(start, start + size);
}

function columnCount(row: unknown): number {
  return row !== null && typeof row === 'object' ? Object.keys(row).length : 1;
}
