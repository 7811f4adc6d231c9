import { describe, expect, it } from 'vitest';
import { excessNestingOffset, MAX_JSON_DEPTH } from './json-nesting.js';

describe('excessNestingOffset', () => {
  it('finds the bracket that opens one level too many, and nothing within the limit', () => {
    expect(excessNestingOffset('[[1]]', 2)).toBe(-1);
    expect(excessNestingOffset('[[[1]]]', 2)).toBe(2);
    expect(excessNestingOffset('{"a":{"b":[1]}}', 2)).toBe(10);
    expect(excessNestingOffset('[[1],[2],[3]]', 2)).toBe(-1);
    expect(excessNestingOffset(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`)).toBe(-1);
    expect(excessNestingOffset(`${'['.repeat(MAX_JSON_DEPTH + 1)}`)).toBe(MAX_JSON_DEPTH);
  });

  it('skips brackets inside strings, escaped quotes included', () => {
    expect(excessNestingOffset('["[[[[", "\\"[[[[", {"{{{{": 1}]', 2)).toBe(-1);
    expect(excessNestingOffset('["\\\\", [[1]]]', 2)).toBe(8);
  });

  it('takes linear time on the deepest text of a few megabytes', () => {
    const text = '['.repeat(4 << 20);
    const started = performance.now();
    expect(excessNestingOffset(text)).toBe(MAX_JSON_DEPTH);
    expect(excessNestingOffset(`"${text}"`)).toBe(-1);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
