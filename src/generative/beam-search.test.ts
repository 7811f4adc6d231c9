import { describe, expect, it } from 'vitest';
import { Random } from '../core/index.js';
import { SemanticTokenizer } from '../tokenizer/index.js';
import { beamSearch, type StepDecoder } from './beam-search.js';
import { ExcludeItemsProcessor, PrefixConstraintProcessor } from './prefix-constraint.js';

/** 2 levels of 3 codes + a disambiguation level of 2: 14 items on a 3 x 3 x 2 grid, 2 special tokens. */
function tinyTokenizer(codebooks = [new Float32Array(6), new Float32Array(6)]): SemanticTokenizer {
  const ids: number[] = [];
  for (let a = 0; a < 3; a++)
    for (let b = 0; b < 3; b++) for (let c = 0; c < 2; c++) if ((a + b + c) % 4 !== 3) ids.push(a, b, c);
  return new SemanticTokenizer({
    codebooks,
    dim: 2,
    semanticIds: Int32Array.from(ids),
    disambiguationCapacity: 2,
    firstToken: 2,
  });
}

/** Logits that depend on the whole prefix (a seeded hash), over the full vocabulary. */
function logitsOf(prefix: readonly number[], vocabularySize: number): Float32Array {
  const random = new Random(prefix.reduce((h, t) => Math.imul(h ^ (t + 7), 0x9e3779b1) >>> 0, 12345));
  return Float32Array.from({ length: vocabularySize }, () => 3 * (random.next() - 0.5));
}

/** A decoder over `logitsOf` that tracks every beam's prefix, as a real model's cache would. */
function hashDecoder(vocabularySize: number): StepDecoder {
  let prefixes: number[][] = [[]];
  const rows = () => {
    const out = new Float32Array(prefixes.length * vocabularySize);
    prefixes.forEach((prefix, i) => {
      out.set(logitsOf(prefix, vocabularySize), i * vocabularySize);
    });
    return out;
  };
  return {
    vocabularySize,
    begin: () => {
      prefixes = [[]];
      return rows();
    },
    step: (parents, tokens) => {
      prefixes = Array.from(parents, (parent, i) => [...prefixes[parent]!, tokens[i]!]);
      return rows();
    },
  };
}

function logSoftmax(logits: Float32Array, token: number): number {
  const max = Math.max(...logits);
  const sum = logits.reduce((s, x) => s + Math.exp(x - max), 0);
  return logits[token]! - max - Math.log(sum);
}

describe('beamSearch with the prefix constraint', () => {
  const tokenizer = tinyTokenizer();
  const { vocabulary, trie, depth } = tokenizer;
  const size = vocabulary.size;
  // Brute force: every valid ID scored by the sum of its tokens' log-probabilities.
  const all = Array.from({ length: tokenizer.itemCount }, (_, item) => {
    const tokens = [...tokenizer.tokens(item)];
    let score = 0;
    tokens.forEach((token, step) => {
      score += logSoftmax(logitsOf(tokens.slice(0, step), size), token);
    });
    return { item, score };
  }).sort((a, b) => b.score - a.score);
  const itemsOf = (tokens: Int32Array): number[] =>
    Array.from(
      { length: tokens.length / depth },
      (_, i) => tokenizer.itemOf(vocabulary.semanticId(tokens.subarray(i * depth, (i + 1) * depth)))!,
    );

  it('equals brute-force search over all valid IDs when the beam holds every prefix', () => {
    const result = beamSearch(hashDecoder(size), {
      beamWidth: tokenizer.itemCount,
      steps: depth,
      processors: [new PrefixConstraintProcessor(trie, vocabulary)],
    });
    expect(itemsOf(result.tokens)).toEqual(all.map(({ item }) => item));
    for (const [i, { score }] of all.entries()) expect(result.scores[i]).toBeCloseTo(score, 5);
  });

  it('returns only real items, never excluded ones, best first, at any beam width', () => {
    // Item 0's path (0, 0) holds items 0 and 1: excluding both makes the prefix (0, 0) a dead end.
    const exclude = [all[0]!.item, all[3]!.item, 5, 0, 1];
    for (const beamWidth of [1, 3, 5]) {
      const result = beamSearch(hashDecoder(size), {
        beamWidth,
        steps: depth,
        processors: [
          new PrefixConstraintProcessor(trie, vocabulary),
          new ExcludeItemsProcessor(tokenizer, exclude),
        ],
      });
      const items = itemsOf(result.tokens);
      expect(items.length).toBe(beamWidth);
      expect(new Set(items).size).toBe(beamWidth);
      for (const item of items) {
        expect(item).toBeGreaterThanOrEqual(0);
        expect(exclude).not.toContain(item);
      }
      for (let i = 1; i < result.scores.length; i++)
        expect(result.scores[i]).toBeLessThanOrEqual(result.scores[i - 1]!);
    }
    // With every prefix kept, the answer is the brute-force order minus the excluded items.
    const exact = beamSearch(hashDecoder(size), {
      beamWidth: tokenizer.itemCount,
      steps: depth,
      processors: [
        new PrefixConstraintProcessor(trie, vocabulary),
        new ExcludeItemsProcessor(tokenizer, exclude),
      ],
    });
    expect(itemsOf(exact.tokens)).toEqual(
      all.map(({ item }) => item).filter((item) => !exclude.includes(item)),
    );
  });

  it('without the constraint, produces IDs outside the catalogue', () => {
    const result = beamSearch(hashDecoder(size), { beamWidth: 30, steps: depth });
    const ids = Array.from({ length: result.scores.length }, (_, i) =>
      result.tokens.subarray(i * depth, (i + 1) * depth),
    );
    expect(
      ids.some((tokens) => [...tokens].some((token, level) => vocabulary.levelOf(token) !== level)),
    ).toBe(true);
  });

  it('counts a path again once cold start adds an item to it', () => {
    // Level 0 codes sit on the x axis, level 1 codes on the y axis: (0, 2) encodes as codes (0, 2).
    const tokenizer = tinyTokenizer([
      Float32Array.from([0, 0, 10, 0, 20, 0]),
      Float32Array.from([0, 0, 0, 1, 0, 2]),
    ]);
    const voc = tokenizer.vocabulary;
    const lonely = tokenizer.itemOf([0, 2, 0])!; // the only item on path (0, 2)
    const pathMasked = (exclude = [lonely]) => {
      const row = new Float32Array(voc.size);
      new ExcludeItemsProcessor(tokenizer, exclude).process(
        { beams: 1, step: 1, tokens: Int32Array.from([voc.token(0, 0)]) },
        row,
        voc.size,
      );
      return row[voc.token(1, 2)] === Number.NEGATIVE_INFINITY;
    };
    expect(pathMasked()).toBe(true);
    expect(Array.from(tokenizer.assign([0, 2]).semanticId)).toEqual([0, 2, 1]);
    expect(pathMasked()).toBe(false);
    // The new item's path is known too: excluding both empties the path again.
    expect(pathMasked([lonely, tokenizer.itemCount - 1])).toBe(true);
  });
});
