import { describe, expect, it } from 'vitest';
import { TokenVocabulary } from './token-vocabulary.js';

describe('TokenVocabulary', () => {
  it('lays levels out one after another after the reserved ids', () => {
    const vocabulary = new TokenVocabulary([256, 256, 256, 12], 3);
    expect(vocabulary.size).toBe(3 + 768 + 12);
    expect([0, 1, 2, 3].map((level) => vocabulary.offset(level))).toEqual([3, 259, 515, 771]);
    expect(vocabulary.token(1, 0)).toBe(259);
    expect(vocabulary.levelOf(2)).toBe(-1);
    expect(vocabulary.levelOf(770)).toBe(2);
    expect(vocabulary.levelOf(vocabulary.size)).toBe(-1);
  });

  it('round-trips every (level, code) and whole semantic IDs', () => {
    const vocabulary = new TokenVocabulary([4, 5, 2]);
    const seen = new Set<number>();
    vocabulary.levelSizes.forEach((size, level) => {
      for (let code = 0; code < size; code++) {
        const token = vocabulary.token(level, code);
        seen.add(token);
        expect(vocabulary.levelOf(token)).toBe(level);
        expect(vocabulary.code(level, token)).toBe(code);
      }
    });
    expect(seen.size).toBe(vocabulary.size);
    const tokens = vocabulary.tokens([3, 4, 1]);
    expect([...tokens]).toEqual([3, 8, 10]);
    expect([...vocabulary.semanticId(tokens)]).toEqual([3, 4, 1]);
  });

  it('rejects codes and tokens outside their level', () => {
    const vocabulary = new TokenVocabulary([4, 5]);
    expect(() => vocabulary.token(0, 4)).toThrow(RangeError);
    expect(() => vocabulary.token(2, 0)).toThrow(RangeError);
    expect(() => vocabulary.code(1, 2)).toThrow(RangeError);
    expect(() => vocabulary.tokens([1])).toThrow(RangeError);
    expect(() => new TokenVocabulary([4, 0])).toThrow(RangeError);
  });
});
