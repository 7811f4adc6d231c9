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

/** The longest `IN (...)` list `inLists` makes. */
const MAX_IN_LIST = 1024;

/**
 * Splits distinct ids into `IN (...)` lists whose lengths are powers of two up
 * to 1,024, padding the last with its own last id (an `IN` ignores repeats).
 * Every list length is its own SQL text, and each text a prepared statement
 * that the connections cache; arbitrary lengths (a dashboard asking for 1,733
 * items, then 1,734) made those caches, and the servers' resident memory, grow
 * with every new length (docs/soak.md, session 9). With size classes a table's
 * read by ids has at most 11 texts.
 */
export function* inLists(ids: readonly string[]): Generator<string[]> {
  for (let start = 0; start < ids.length; start += MAX_IN_LIST) {
    const list = ids.slice(start, start + MAX_IN_LIST);
    let size = 1;
    while (size < list.length) size *= 2;
    const last = list[list.length - 1]!;
    while (list.length < size) list.push(last);
    yield list;
  }
}
