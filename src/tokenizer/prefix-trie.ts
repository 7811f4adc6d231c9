import { ConflictError } from '../core/index.js';

const NONE = -1;

/** The read side of the trie: what a constrained decoder needs. */
export interface PrefixLookup {
  readonly depth: number;
  readonly root: number;
  readonly size: number;
  child(node: number, code: number): number;
  node(prefix: ArrayLike<number>): number;
  allowedAfter(node: number): Int32Array;
  allowedNext(prefix: ArrayLike<number>): Int32Array;
  itemOf(semanticId: ArrayLike<number>): number | undefined;
}

/**
 * The valid semantic IDs as a trie in flat typed arrays, for constrained beam
 * search: a node's children are a sorted run of (code, child node) in one shared
 * pool, so `allowedNext` is a subarray view (no allocation) and `child` a binary
 * search. Nodes at depth `depth` are leaves holding an item index. Bulk building
 * lays every run out exactly; `insert` (cold start) moves a full run to the end
 * of the pool with doubled capacity, so insertion is amortised O(depth + run length).
 */
export class PrefixTrie implements PrefixLookup {
  readonly depth: number;
  readonly root = 0;
  #nodeCount = 0;
  #runStart: Int32Array = new Int32Array(16);
  #runLength: Int32Array = new Int32Array(16);
  #runCapacity: Int32Array = new Int32Array(16);
  #item: Int32Array = new Int32Array(16);
  #poolUsed = 0;
  #codes: Int32Array = new Int32Array(16);
  #children: Int32Array = new Int32Array(16);
  #items = 0;

  constructor(depth: number) {
    if (!Number.isInteger(depth) || depth < 1)
      throw new RangeError(`PrefixTrie depth must be >= 1, got ${depth}`);
    this.depth = depth;
    this.#newNode();
  }

  /** A trie of the rows of `semanticIds` [items, depth]; row i maps to item i. Throws ConflictError on a repeated ID. */
  static build(semanticIds: Int32Array, depth: number): PrefixTrie {
    const trie = new PrefixTrie(depth);
    const items = semanticIds.length / depth;
    if (!Number.isInteger(items)) {
      throw new RangeError(`PrefixTrie.build: ${semanticIds.length} codes are not rows of ${depth}`);
    }
    const order = Array.from({ length: items }, (_, i) => i).sort((a, b) => {
      for (let d = 0; d < depth; d++) {
        const difference = semanticIds[a * depth + d]! - semanticIds[b * depth + d]!;
        if (difference !== 0) return difference;
      }
      return a - b;
    });
    // Pass 1: create nodes in sorted (depth-first) order, remembering parent and code.
    const parents: number[] = [];
    const codes: number[] = [];
    const path = new Int32Array(depth + 1); // node at each depth along the current row
    let previous = -1;
    for (const item of order) {
      let common = 0;
      if (previous >= 0) {
        while (
          common < depth &&
          semanticIds[item * depth + common] === semanticIds[previous * depth + common]
        ) {
          common++;
        }
        if (common === depth) {
          throw new ConflictError(
            `Items ${previous} and ${item} share the semantic ID (${[...semanticIds.subarray(item * depth, (item + 1) * depth)].join(', ')})`,
          );
        }
      }
      for (let d = common; d < depth; d++) {
        const code = semanticIds[item * depth + d]!;
        if (!Number.isInteger(code) || code < 0)
          throw new RangeError(`Item ${item} has an invalid code ${code}`);
        const node = trie.#newNode();
        parents.push(path[d]!);
        codes.push(code);
        path[d + 1] = node;
        trie.#runLength[path[d]!]!++;
      }
      trie.#item[path[depth]!] = item;
      previous = item;
    }
    // Pass 2: one exact run per node, filled in sorted order.
    let used = 0;
    for (let node = 0; node < trie.#nodeCount; node++) {
      trie.#runStart[node] = used;
      trie.#runCapacity[node] = trie.#runLength[node]!;
      used += trie.#runLength[node]!;
    }
    trie.#codes = new Int32Array(Math.max(used, 16));
    trie.#children = new Int32Array(Math.max(used, 16));
    trie.#poolUsed = used;
    const filled = new Int32Array(trie.#nodeCount);
    parents.forEach((parent, i) => {
      const at = trie.#runStart[parent]! + filled[parent]!++;
      trie.#codes[at] = codes[i]!;
      trie.#children[at] = i + 1;
    });
    trie.#items = items;
    return trie;
  }

  /** Items stored. */
  get size(): number {
    return this.#items;
  }

  /** The child of `node` through `code`, or -1. */
  child(node: number, code: number): number {
    const start = this.#runStart[node]!;
    let low = start;
    let high = start + this.#runLength[node]! - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = this.#codes[middle]!;
      if (value === code) return this.#children[middle]!;
      if (value < code) low = middle + 1;
      else high = middle - 1;
    }
    return NONE;
  }

  /** The node reached by `prefix` (length 0..depth), or -1 when no valid ID starts with it. */
  node(prefix: ArrayLike<number>): number {
    if (prefix.length > this.depth) return NONE;
    let node = this.root;
    for (let d = 0; d < prefix.length && node !== NONE; d++) node = this.child(node, prefix[d]!);
    return node;
  }

  /** The valid next codes after `node`, ascending; a view, valid until the next insert. */
  allowedAfter(node: number): Int32Array {
    const start = this.#runStart[node]!;
    return this.#codes.subarray(start, start + this.#runLength[node]!);
  }

  /** The valid next codes after `prefix`, ascending (empty for an unknown or complete prefix). */
  allowedNext(prefix: ArrayLike<number>): Int32Array {
    const node = this.node(prefix);
    return node === NONE ? this.#codes.subarray(0, 0) : this.allowedAfter(node);
  }

  /** The item of a complete semantic ID, or undefined. */
  itemOf(semanticId: ArrayLike<number>): number | undefined {
    if (semanticId.length !== this.depth) return undefined;
    const node = this.node(semanticId);
    return node === NONE ? undefined : this.#item[node]!;
  }

  /** Adds `semanticId` -> `item`; throws ConflictError when the ID is taken. */
  insert(semanticId: ArrayLike<number>, item: number): void {
    if (semanticId.length !== this.depth) {
      throw new RangeError(`PrefixTrie.insert: ID of length ${semanticId.length}, expected ${this.depth}`);
    }
    let node = this.root;
    for (let d = 0; d < this.depth; d++) {
      const code = semanticId[d]!;
      if (!Number.isInteger(code) || code < 0)
        throw new RangeError(`PrefixTrie.insert: invalid code ${code}`);
      const next = this.child(node, code);
      if (next !== NONE) {
        node = next;
        continue;
      }
      if (d === this.depth - 1) this.#items++;
      const created = this.#newNode();
      this.#addChild(node, code, created);
      node = created;
    }
    if (this.#item[node] !== NONE && this.#item[node] !== item) {
      throw new ConflictError(
        `Semantic ID (${Array.from(semanticId).join(', ')}) already belongs to item ${this.#item[node]}`,
      );
    }
    this.#item[node] = item;
  }

  #newNode(): number {
    if (this.#nodeCount === this.#runStart.length) {
      const grown = this.#runStart.length * 2;
      this.#runStart = resized(this.#runStart, grown);
      this.#runLength = resized(this.#runLength, grown);
      this.#runCapacity = resized(this.#runCapacity, grown);
      this.#item = resized(this.#item, grown);
    }
    const node = this.#nodeCount++;
    this.#runStart[node] = 0;
    this.#runLength[node] = 0;
    this.#runCapacity[node] = 0;
    this.#item[node] = NONE;
    return node;
  }

  #addChild(node: number, code: number, child: number): void {
    const length = this.#runLength[node]!;
    if (length === this.#runCapacity[node]) {
      const capacity = Math.max(2, length * 2);
      this.#reservePool(capacity);
      const start = this.#runStart[node]!;
      this.#codes.copyWithin(this.#poolUsed, start, start + length);
      this.#children.copyWithin(this.#poolUsed, start, start + length);
      this.#runStart[node] = this.#poolUsed;
      this.#runCapacity[node] = capacity;
      this.#poolUsed += capacity;
    }
    const start = this.#runStart[node]!;
    let at = start + length;
    while (at > start && this.#codes[at - 1]! > code) {
      this.#codes[at] = this.#codes[at - 1]!;
      this.#children[at] = this.#children[at - 1]!;
      at--;
    }
    this.#codes[at] = code;
    this.#children[at] = child;
    this.#runLength[node] = length + 1;
  }

  #reservePool(extra: number): void {
    const needed = this.#poolUsed + extra;
    if (needed <= this.#codes.length) return;
    const grown = Math.max(needed, this.#codes.length * 2);
    this.#codes = resized(this.#codes, grown);
    this.#children = resized(this.#children, grown);
  }
}

function resized(array: Int32Array, length: number): Int32Array {
  const out = new Int32Array(length);
  out.set(array.subarray(0, Math.min(array.length, length)));
  return out;
}
