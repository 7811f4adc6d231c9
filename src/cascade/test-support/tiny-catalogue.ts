import { Random } from '../../core/index.js';
import type { CatalogueItem } from '../catalogue.js';

export const HOUR = 3_600_000;
export const NOW = Date.UTC(2026, 0, 10, 12);

/**
 * 40 items by 8 authors (item i by `a{i % 8}`), item i uploaded i hours before
 * the last, item 39 hidden; 60 users, each consuming 8 items of one of two taste
 * clusters (items 0-19 or 20-38), oldest first.
 */
export function tinyCatalogue(): { items: CatalogueItem[]; interactions: Map<string, string[]> } {
  const items: CatalogueItem[] = Array.from({ length: 40 }, (_, i) => ({
    id: `v${i}`,
    author: `a${i % 8}`,
    uploadedAt: NOW - (40 - i) * HOUR,
    durationMs: 5_000 + 1_000 * i,
    ...(i === 39 && { hidden: true }),
  }));
  const random = new Random(3);
  const interactions = new Map<string, string[]>();
  for (let user = 0; user < 60; user++) {
    const [from, size] = user % 2 === 0 ? [0, 20] : [20, 19];
    const seen = new Set<number>();
    while (seen.size < 8) seen.add(from + random.int(size));
    interactions.set(
      `u${user}`,
      [...seen].map((i) => `v${i}`),
    );
  }
  return { items, interactions };
}
