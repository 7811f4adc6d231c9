import { describe, expect, it } from 'vitest';
import { ConflictError, Random } from '../core/index.js';
import { PrefixTrie } from './prefix-trie.js';

/** Distinct random IDs [items, depth] with small per-level alphabets, so prefixes are shared. */
function randomIds(items: number, sizes: number[], seed: number): Int32Array {
  const random = new Random(seed);
  const depth = sizes.length;
  const seen = new Set<string>();
  const ids = new Int32Array(items * depth);
  for (let item = 0; item < items; ) {
    const id = sizes.map((size) => random.int(size));
    if (seen.has(id.join())) continue;
    seen.add(id.join());
    ids.set(id, item * depth);
    item++;
  }
  return ids;
}

function bruteForceNext(ids: Int32Array, depth: number, prefix: number[]): number[] {
  const next = new Set<number>();
  for (let item = 0; item < ids.length / depth; item++) {
    if (prefix.every((code, d) => ids[item * depth + d] === code))
      next.add(ids[item * depth + prefix.length]!);
  }
  return [...next].sort((a, b) => a - b);
}

describe('PrefixTrie', () => {
  const depth = 4;
  const sizes = [5, 6, 7, 3];
  const ids = randomIds(300, sizes, 1);

  it('allows exactly the next codes brute force finds, for every prefix length', () => {
    const trie = PrefixTrie.build(ids, depth);
    const random = new Random(2);
    for (let trial = 0; trial < 400; trial++) {
      const length = random.int(depth);
      const prefix = Array.from({ length }, (_, d) => random.int(sizes[d]! + 1)); // sometimes out of range
      expect([...trie.allowedNext(prefix)]).toEqual(bruteForceNext(ids, depth, prefix));
    }
    expect([...trie.allowedNext([])]).toEqual(bruteForceNext(ids, depth, []));
  });

  it('maps every full ID back to its item and rejects partial or unknown ones', () => {
    const trie = PrefixTrie.build(ids, depth);
    expect(trie.size).toBe(300);
    for (let item = 0; item < 300; item++) {
      const id = ids.subarray(item * depth, (item + 1) * depth);
      expect(trie.itemOf(id)).toBe(item);
      expect(trie.allowedNext(id)).toHaveLength(0);
    }
    expect(trie.itemOf(ids.subarray(0, depth - 1))).toBeUndefined();
    expect(trie.itemOf([9, 9, 9, 9])).toBeUndefined();
  });

  it('steps node by node as a beam search would', () => {
    const trie = PrefixTrie.build(ids, depth);
    const id = ids.subarray(7 * depth, 8 * depth);
    let node = trie.root;
    for (const code of id) {
      expect(trie.allowedAfter(node)).toContain(code);
      node = trie.child(node, code);
    }
    expect(trie.child(trie.root, 99)).toBe(-1);
    expect(trie.node(id)).toBe(node);
  });

  it('grows by insertion to the same trie as a bulk build', () => {
    const built = PrefixTrie.build(ids, depth);
    const inserted = new PrefixTrie(depth);
    for (let item = 299; item >= 0; item--)
      inserted.insert(ids.subarray(item * depth, (item + 1) * depth), item);
    expect(inserted.size).toBe(300);
    const random = new Random(3);
    for (let trial = 0; trial < 200; trial++) {
      const prefix = Array.from({ length: random.int(depth) }, (_, d) => random.int(sizes[d]!));
      expect([...inserted.allowedNext(prefix)]).toEqual([...built.allowedNext(prefix)]);
    }
    for (let item = 0; item < 300; item++) {
      expect(inserted.itemOf(ids.subarray(item * depth, (item + 1) * depth))).toBe(item);
    }
  });

  it('adds a new ID to a built trie and refuses a taken one', () => {
    const trie = PrefixTrie.build(ids, depth);
    const fresh = [0, 0, 0, 3]; // code 3 is outside the last level's random alphabet
    trie.insert(fresh, 300);
    expect(trie.itemOf(fresh)).toBe(300);
    expect(trie.allowedNext([0, 0, 0])).toContain(3);
    expect(trie.size).toBe(301);
    expect(() => trie.insert(ids.subarray(0, depth), 555)).toThrow(ConflictError);
    const duplicated = Int32Array.from([...ids.subarray(0, depth), ...ids.subarray(0, depth)]);
    expect(() => PrefixTrie.build(duplicated, depth)).toThrow(ConflictError);
  });
});
