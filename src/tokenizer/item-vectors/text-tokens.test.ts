import { describe, expect, it } from 'vitest';
import { textTokens } from './text-tokens.js';

describe('textTokens', () => {
  it('splits English into lower-cased words', () => {
    expect(textTokens("Hydrating Face-Cream, 50ml: it's GREAT")).toEqual([
      'hydrating',
      'face',
      'cream',
      '50ml',
      'it',
      's',
      'great',
    ]);
  });

  it('gives Chinese character unigrams and bigrams, and keeps words between them apart', () => {
    expect(textTokens('今天跳舞')).toEqual(['今', '天', '跳', '舞', '今天', '天跳', '跳舞']);
    expect(textTokens('vlog日常 #美食', [2])).toEqual(['vlog', '日常', '美食']);
  });

  it('returns nothing for empty or punctuation-only text', () => {
    expect(textTokens('')).toEqual([]);
    expect(textTokens(' ,.!? 。')).toEqual([]);
  });
});
