import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared public data sets (../shared/data); GENFEED_DATA points elsewhere. */
const DATA = process.env.GENFEED_DATA ?? fileURLToPath(new URL('../../../../shared/data', import.meta.url));

export const beautyPath = join(DATA, 'amazon-beauty/Beauty.txt');

/**
 * `user item item ...` lines of a dense Beauty subset: the `items` most popular
 * items, and the first `users` users with at least 4 of them. A plain
 * first-N-users cut keeps ~11k items at ~4 interactions each, too sparse for
 * any neural model to beat popularity in a few epochs of CI time.
 */
export function denseSubset(text: string, options: { items: number; users: number }): string {
  const rows = text
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/));
  const counts = new Map<string, number>();
  for (const row of rows) for (const item of row.slice(1)) counts.set(item, (counts.get(item) ?? 0) + 1);
  const popular = new Set(
    [...counts]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, options.items)
      .map(([item]) => item),
  );
  return rows
    .map((row) => [row[0], ...row.slice(1).filter((item) => popular.has(item))])
    .filter((row) => row.length > 4)
    .slice(0, options.users)
    .map((row) => `${row.join(' ')}\n`)
    .join('');
}
