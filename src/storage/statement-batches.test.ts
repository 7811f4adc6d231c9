import { describe, expect, it } from 'vitest';
import { inLists } from './statement-batches.js';

describe('inLists', () => {
  it('covers exactly the ids, in lists whose lengths are powers of two up to 1,024', () => {
    const lengths = new Set<number>();
    for (let n = 1; n <= 3000; n += 7) {
      const ids = Array.from({ length: n }, (_, k) => `id-${k}`);
      const lists = [...inLists(ids)];
      for (const list of lists) {
        expect(list.length & (list.length - 1)).toBe(0);
        expect(list.length).toBeLessThanOrEqual(1024);
        lengths.add(list.length);
      }
      const flat = lists.flat();
      expect(new Set(flat)).toEqual(new Set(ids));
      expect(flat.length).toBeLessThan(2 * n + 1);
    }
    // Every length of ask maps onto at most 11 SQL texts (1, 2, 4, ..., 1,024).
    expect(lengths.size).toBeLessThanOrEqual(11);
    expect([...inLists([])]).toEqual([]);
  });
});
