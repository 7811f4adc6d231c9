import type { PrefixLookup, TokenVocabulary } from '../tokenizer/index.js';
import type { BeamPrefixes, LogitsProcessor } from './logits-processor.js';

/** Walks the trie along a beam's tokens; -1 when the prefix names no valid ID. */
function nodeOf(
  trie: PrefixLookup,
  vocabulary: TokenVocabulary,
  tokens: Int32Array,
  start: number,
  length: number,
): number {
  let node = trie.root;
  for (let level = 0; level < length && node >= 0; level++) {
    const code = tokens[start + level]! - vocabulary.offset(level);
    node = code < 0 || code >= vocabulary.levelSizes[level]! ? -1 : trie.child(node, code);
  }
  return node;
}

/**
 * The trie constraint of constrained beam search (TIGER, arXiv 2305.05065,
 * sec. 3.2): at step s a beam may only emit a level-s token that extends its
 * prefix to a prefix of some real item's semantic ID; every other token gets
 * -Infinity. With it every finished beam is a real item.
 */
export class PrefixConstraintProcessor implements LogitsProcessor {
  readonly trie: PrefixLookup;
  readonly vocabulary: TokenVocabulary;

  constructor(trie: PrefixLookup, vocabulary: TokenVocabulary) {
    this.trie = trie;
    this.vocabulary = vocabulary;
  }

  process(prefixes: BeamPrefixes, logProbs: Float32Array, vocabularySize: number): void {
    const { beams, step, tokens } = prefixes;
    for (let beam = 0; beam < beams; beam++) {
      const row = logProbs.subarray(beam * vocabularySize, (beam + 1) * vocabularySize);
      const node =
        step < this.trie.depth ? nodeOf(this.trie, this.vocabulary, tokens, beam * step, step) : -1;
      if (node < 0) {
        row.fill(Number.NEGATIVE_INFINITY);
        continue;
      }
      const allowed = this.trie.allowedAfter(node); // ascending codes
      const offset = this.vocabulary.offset(step);
      let next = 0;
      for (let token = 0; token < vocabularySize; token++) {
        if (next < allowed.length && token === allowed[next]! + offset) next++;
        else row[token] = Number.NEGATIVE_INFINITY;
      }
    }
  }
}

/** What the exclusion needs of a tokenizer: the trie, the vocabulary and each item's semantic ID. */
export interface SemanticIdLookup {
  readonly trie: PrefixLookup;
  readonly vocabulary: TokenVocabulary;
  semanticId(item: number): Int32Array;
}

/**
 * Keeps already consumed items out of the results: a token whose subtree of
 * the trie holds only excluded items gets -Infinity (at the last level: the
 * token that completes an excluded item's ID). Masking whole dead subtrees,
 * not just leaves, means no beam is spent on a prefix with nothing left to
 * finish, so the search still returns `beamWidth` new items.
 */
export class ExcludeItemsProcessor implements LogitsProcessor {
  readonly trie: PrefixLookup;
  readonly vocabulary: TokenVocabulary;
  /** Excluded items below each trie node that has any. */
  readonly #excludedBelow = new Map<number, number>();
  readonly #leavesBelow: Map<number, number>;

  constructor(tokenizer: SemanticIdLookup, exclude: Iterable<number>) {
    this.trie = tokenizer.trie;
    this.vocabulary = tokenizer.vocabulary;
    this.#leavesBelow = leafCountsOf(this.trie);
    const paths = pathsOf(tokenizer);
    const depth = this.trie.depth;
    for (const item of new Set(exclude)) {
      // An item the trie does not hold yet is walked (semanticId throws for an unknown item).
      const path =
        item >= 0 && item < paths.items
          ? paths.nodes.subarray(item * depth, (item + 1) * depth)
          : walk(tokenizer, item);
      for (const node of path) {
        if (node < 0) break;
        this.#excludedBelow.set(node, (this.#excludedBelow.get(node) ?? 0) + 1);
      }
    }
  }

  process(prefixes: BeamPrefixes, logProbs: Float32Array, vocabularySize: number): void {
    const { beams, step, tokens } = prefixes;
    if (this.#excludedBelow.size === 0 || step >= this.trie.depth) return;
    const offset = this.vocabulary.offset(step);
    for (let beam = 0; beam < beams; beam++) {
      const node = nodeOf(this.trie, this.vocabulary, tokens, beam * step, step);
      if (node < 0 || (step > 0 && !this.#excludedBelow.has(node))) continue;
      for (const code of this.trie.allowedAfter(node)) {
        const child = this.trie.child(node, code);
        const excluded = this.#excludedBelow.get(child);
        if (excluded !== undefined && excluded >= this.#leaves(child, step + 1)) {
          logProbs[beam * vocabularySize + offset + code] = Number.NEGATIVE_INFINITY;
        }
      }
    }
  }

  /** Items below `node` (at trie depth `depth`), memoised for the trie (every request's processor shares them). */
  #leaves(node: number, depth: number): number {
    if (depth === this.trie.depth) return 1;
    let count = this.#leavesBelow.get(node);
    if (count === undefined) {
      count = 0;
      for (const code of this.trie.allowedAfter(node))
        count += this.#leaves(this.trie.child(node, code), depth + 1);
      this.#leavesBelow.set(node, count);
    }
    return count;
  }
}

/**
 * The trie nodes along each item's semantic ID, [items, depth] (-1 past a
 * missing node), memoised per trie and rebuilt when it grows (a cold-start
 * insert adds nodes and never renumbers them): a request's exclusion reads
 * its items' paths instead of walking the trie for each (~600 items a user
 * late in a soak).
 */
const itemPaths = new WeakMap<PrefixLookup, { items: number; nodes: Int32Array }>();

function pathsOf(tokenizer: SemanticIdLookup): { items: number; nodes: Int32Array } {
  const trie = tokenizer.trie;
  let entry = itemPaths.get(trie);
  if (entry === undefined || entry.items !== trie.size) {
    const nodes = new Int32Array(trie.size * trie.depth);
    for (let item = 0; item < trie.size; item++) nodes.set(walk(tokenizer, item), item * trie.depth);
    entry = { items: trie.size, nodes };
    itemPaths.set(trie, entry);
  }
  return entry;
}

/** [depth] the nodes along `item`'s semantic ID, -1 from the first level the trie lacks. */
function walk(tokenizer: SemanticIdLookup, item: number): Int32Array {
  const trie = tokenizer.trie;
  const id = tokenizer.semanticId(item);
  const path = new Int32Array(trie.depth).fill(-1);
  let node = trie.root;
  for (let level = 0; level < id.length && level < trie.depth && node >= 0; level++) {
    node = trie.child(node, id[level]!);
    path[level] = node;
  }
  return path;
}

/** Items below trie nodes, memoised per trie; dropped when the trie grows (a cold-start insert). */
const leafCounts = new WeakMap<PrefixLookup, { size: number; counts: Map<number, number> }>();

function leafCountsOf(trie: PrefixLookup): Map<number, number> {
  let entry = leafCounts.get(trie);
  if (entry === undefined || entry.size !== trie.size) {
    entry = { size: trie.size, counts: new Map() };
    leafCounts.set(trie, entry);
  }
  return entry.counts;
}
