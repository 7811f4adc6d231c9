/** The `limit` of a list call: `fallback` when left out, else an integer from 1 to `maximum`. */
export function pageSize(limit: number | undefined, fallback: number, maximum: number): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > maximum) {
    throw new RangeError(`limit must be an integer from 1 to ${maximum}, got ${limit}`);
  }
  return limit;
}
