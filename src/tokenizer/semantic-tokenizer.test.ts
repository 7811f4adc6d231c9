import { describe, expect, it } from 'vitest';
import { ConflictError, Random } from '../core/index.js';
import type { ItemVectors } from './item-vectors/item-vectors.js';
import { SemanticTokenizer } from './semantic-tokenizer.js';
import { evaluateTokenizer } from './tokenizer-report.js';

const dim = 8;
const codebookSize = 4;

/**
 * Items built as a path of three centres (scales 10, 1, 0.1), one item per path
 * (64) plus a second item on the paths (c, c, c): every code at every level
 * holds exactly 17 items, so balanced codes coincide with nearest ones, and four
 * paths collide.
 */
function hierarchicalItems(seed: number): { items: ItemVectors; paths: number[][] } {
  const random = new Random(seed);
  const centres = [10, 1, 0.1].map((scale) =>
    Array.from({ length: codebookSize }, () => Array.from({ length: dim }, () => scale * random.normal())),
  );
  const paths: number[][] = [];
  for (let a = 0; a < codebookSize; a++)
    for (let b = 0; b < codebookSize; b++) for (let c = 0; c < codebookSize; c++) paths.push([a, b, c]);
  for (let c = 0; c < codebookSize; c++) paths.push([c, c, c]);
  const vectors = new Float32Array(paths.length * dim);
  paths.forEach((path, item) => {
    for (let j = 0; j < dim; j++) {
      vectors[item * dim + j] = path.reduce((sum, code, level) => sum + centres[level]![code]![j]!, 0);
    }
  });
  return { items: { vectors, count: paths.length, dim }, paths };
}

function gaussianItems(count: number, seed: number): ItemVectors {
  const random = new Random(seed);
  return { vectors: Float32Array.from({ length: count * dim }, () => random.normal()), count, dim };
}

/** Two items share a path exactly when their generating paths are equal. */
function samePartition(ids: Int32Array, depth: number, paths: number[][]): boolean {
  const key = (item: number) => [...ids.subarray(item * depth, item * depth + depth - 1)].join();
  return paths.every((path, i) =>
    paths.every((other, j) => (key(i) === key(j)) === (path.join() === other.join())),
  );
}

describe('SemanticTokenizer', () => {
  const { items, paths } = hierarchicalItems(1);
  const options = { levels: 3, codebookSize, seed: 2 };

  it('recovers the generating paths and numbers the colliding items 0, 1', () => {
    const tokenizer = SemanticTokenizer.fit(items, options);
    expect(tokenizer.depth).toBe(4);
    expect(samePartition(tokenizer.semanticIds(), 4, paths)).toBe(true);
    const report = evaluateTokenizer(tokenizer, items);
    expect(report.utilisation).toEqual([1, 1, 1]);
    expect(report.collisionRate).toBeCloseTo(8 / 68, 10);
    expect(report.maxItemsPerPath).toBe(2);
    expect(report.nearestPathAgreement).toBe(1);
    expect(report.reconstructionError).toBeLessThan(1e-4); // float32 rounding of the scale-10 centres
    const second = [64, 65, 66, 67].map((item) => tokenizer.semanticId(item)[3]);
    expect(second).toEqual([1, 1, 1, 1]);
    expect(tokenizer.disambiguationCapacity).toBe(4);
  });

  it('round-trips item -> semantic ID -> item for every item, with unique full IDs', () => {
    const tokenizer = SemanticTokenizer.fit(gaussianItems(600, 3), { levels: 2, codebookSize: 8, seed: 1 });
    const seen = new Set<string>();
    for (let item = 0; item < 600; item++) {
      const id = tokenizer.semanticId(item);
      seen.add(id.join());
      expect(tokenizer.itemOf(id)).toBe(item);
      const tokens = tokenizer.tokens(item);
      expect([...tokenizer.vocabulary.semanticId(tokens)]).toEqual([...id]);
    }
    expect(seen.size).toBe(600);
    expect(tokenizer.vocabulary.size).toBe(8 + 8 + tokenizer.disambiguationCapacity);
  });

  it('gives a decoder the allowed next tokens of a token prefix', () => {
    const tokenizer = SemanticTokenizer.fit(items, { ...options, firstToken: 2 });
    const { vocabulary } = tokenizer;
    const id = tokenizer.semanticId(64); // path (0, 0, 0), index 1
    const tokens = vocabulary.tokens(id);
    expect([...tokenizer.allowedNextTokens([])]).toEqual([2, 3, 4, 5]);
    for (let length = 0; length < 4; length++) {
      const allowed = tokenizer.allowedNextTokens(tokens.subarray(0, length));
      const codes = [...tokenizer.trie.allowedNext(id.subarray(0, length))];
      expect([...allowed]).toEqual(codes.map((code) => vocabulary.token(length, code)));
      expect(allowed).toContain(tokens[length]);
    }
    expect([...tokenizer.allowedNextTokens(tokens.subarray(0, 3))]).toEqual([
      vocabulary.token(3, 0),
      vocabulary.token(3, 1),
    ]);
    expect(tokenizer.allowedNextTokens(tokens)).toHaveLength(0);
    expect(tokenizer.allowedNextTokens([tokens[1]!])).toHaveLength(0); // a level-1 token in the level-0 slot
  });

  it('keeps codes balanced: no code above ceil(N/K) items, all codes used', () => {
    const count = 1000;
    const tokenizer = SemanticTokenizer.fit(gaussianItems(count, 4), {
      levels: 3,
      codebookSize: 32,
      seed: 1,
    });
    const report = evaluateTokenizer(tokenizer, gaussianItems(count, 4));
    expect(report.utilisation).toEqual([1, 1, 1]);
    for (const load of report.largestCodeLoad)
      expect(load).toBeLessThanOrEqual(Math.ceil(count / 32) / (count / 32));
  });

  it('is deterministic with a seed', () => {
    const vectors = gaussianItems(500, 5);
    const first = SemanticTokenizer.fit(vectors, { levels: 3, codebookSize: 16, seed: 9 });
    const second = SemanticTokenizer.fit(vectors, { levels: 3, codebookSize: 16, seed: 9 });
    expect(second.semanticIds()).toEqual(first.semanticIds());
    for (let level = 0; level < 3; level++) expect(second.codebook(level)).toEqual(first.codebook(level));
  });

  it('assigns a cold-start item through the codebooks and adds it to the trie', () => {
    const tokenizer = SemanticTokenizer.fit(items, options);
    const known = 5; // path (0, 1, 1), alone on it
    const twin = tokenizer.assign(items.vectors.subarray(known * dim, (known + 1) * dim));
    expect(twin.item).toBe(68);
    expect([...twin.semanticId.subarray(0, 3)]).toEqual([...tokenizer.semanticId(known).subarray(0, 3)]);
    expect(twin.semanticId[3]).toBe(1);
    expect(tokenizer.itemOf(twin.semanticId)).toBe(68);
    expect(tokenizer.itemCount).toBe(69);
    expect([...tokenizer.trie.allowedNext(twin.semanticId.subarray(0, 3))]).toEqual([0, 1]);
    const again = tokenizer.assign(items.vectors.subarray(known * dim, (known + 1) * dim));
    expect(again.semanticId[3]).toBe(2);
    expect(tokenizer.semanticId(69)).toEqual(again.semanticId);
    // A path already holding 2 items takes two more, then the capacity (4) is reached.
    const crowded = 64; // path (0, 0, 0), items 0 and 64
    tokenizer.assign(items.vectors.subarray(crowded * dim, (crowded + 1) * dim));
    tokenizer.assign(items.vectors.subarray(crowded * dim, (crowded + 1) * dim));
    expect(() => tokenizer.assign(items.vectors.subarray(crowded * dim, (crowded + 1) * dim))).toThrow(
      ConflictError,
    );
  });

  it('opens a new path for a vector no item is near', () => {
    const tokenizer = SemanticTokenizer.fit(gaussianItems(300, 6), { levels: 3, codebookSize: 16, seed: 2 });
    const used = new Set(
      Array.from({ length: 300 }, (_, item) => [...tokenizer.semanticId(item).subarray(0, 3)].join()),
    );
    const random = new Random(8);
    let fresh: Int32Array | undefined;
    for (let trial = 0; trial < 50 && fresh === undefined; trial++) {
      const assigned = tokenizer.assign(Float32Array.from({ length: dim }, () => 3 * random.normal()));
      if (!used.has([...assigned.semanticId.subarray(0, 3)].join())) fresh = assigned.semanticId;
    }
    expect(fresh).toBeDefined();
    expect(fresh![3]).toBe(0);
    expect(tokenizer.itemOf(fresh!)).toBeGreaterThanOrEqual(300);
  });

  it('rejects a vector of the wrong size', () => {
    const tokenizer = SemanticTokenizer.fit(items, options);
    expect(() => tokenizer.encode(new Float32Array(dim + 1))).toThrow(RangeError);
  });
});
