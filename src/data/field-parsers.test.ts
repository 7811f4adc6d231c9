import { describe, expect, it } from 'vitest';
import { binary, date, id, integer, list, number, optional } from './field-parsers.js';
import { parseField } from './row.js';
import { RowProblem } from './row-problem.js';

function problem(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof RowProblem) return error.problem;
    throw error;
  }
  throw new Error('expected a RowProblem');
}

describe('field parsers', () => {
  it('number takes decimal and scientific notation only', () => {
    expect(['1', '-2.5', '.5', '3.', '1e3', ' 4 ', '87433.0'].map(number)).toEqual([
      1, -2.5, 0.5, 3, 1000, 4, 87433,
    ]);
    for (const bad of ['', ' ', 'abc', '0x1f', 'Infinity', 'NaN', '1,5', '1.2.3']) {
      expect(problem(() => number(bad))).toBe('expected a number');
    }
  });

  it('integer accepts pandas float spellings of integers', () => {
    expect(['7', '-124', '87433.0', '5.'].map(integer)).toEqual([7, -124, 87433, 5]);
    expect(problem(() => integer('1.5'))).toBe('expected an integer');
  });

  it('binary accepts 0 and 1 only', () => {
    expect(['0', '1', '1.0'].map(binary)).toEqual([0, 1, 1]);
    expect(problem(() => binary('2'))).toBe('expected 0 or 1');
  });

  it('id trims and rejects empty ids', () => {
    expect(id(' 42 ')).toBe('42');
    expect(problem(() => id(''))).toBe('expected an id');
  });

  it('optional maps empty fields to undefined', () => {
    expect(optional(number)('')).toBeUndefined();
    expect(optional(number)('2')).toBe(2);
  });

  it('date reads the three spellings in the given time zone', () => {
    const beijing = date(8);
    const midnight = Date.UTC(2020, 6, 5) / 1000 - 8 * 3600;
    expect(beijing('2020-07-05')).toBe(midnight);
    expect(beijing('20200705')).toBe(midnight);
    expect(beijing('20200705.0')).toBe(midnight);
    expect(beijing('2020-07-05 05:27:48.378')).toBeCloseTo(midnight + 5 * 3600 + 27 * 60 + 48.378, 6);
    expect(date(0)('2020-07-05T00:00:01')).toBe(Date.UTC(2020, 6, 5, 0, 0, 1) / 1000);
  });

  it('date agrees with Date.UTC across leap years and centuries', () => {
    const utc = date(0);
    for (const [year, month, day] of [
      [1970, 1, 1],
      [1999, 12, 31],
      [2000, 2, 29],
      [2024, 2, 29],
      [2100, 3, 1],
      [1969, 7, 20],
    ] as const) {
      const text = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
      expect(utc(text)).toBe(Date.UTC(year, month - 1, day) / 1000);
    }
  });

  it('date rejects impossible or malformed dates', () => {
    for (const bad of [
      '2021-02-29',
      '2020-13-01',
      '2020-7-5',
      '2020-07-05 25:00:00',
      '2020-0705',
      'yesterday',
      '',
    ]) {
      expect(problem(() => date(8)(bad))).toBe(
        'expected a date like 2020-07-05, 20200705 or 2020-07-05 05:27:48',
      );
    }
  });

  it('list reads bracketed and bare lists, checking each element', () => {
    expect(list(integer)('[27, 9]')).toEqual([27, 9]);
    expect(list(integer)('[]')).toEqual([]);
    expect(list(integer, { brackets: false })('39,68')).toEqual([39, 68]);
    expect(list(integer, { brackets: false })('')).toEqual([]);
    expect(problem(() => list(integer)('8'))).toBe('expected a list like [1,2]');
    expect(problem(() => list(integer)('[8, x]'))).toBe(
      'expected a list like [1,2]: expected an integer in the list',
    );
  });

  it('parseField names the field and the bad value, cutting long values short', () => {
    expect(() => parseField('rating', 'abc', number)).toThrow(
      expect.objectContaining({ field: 'rating', value: 'abc', problem: 'expected a number, got "abc"' }),
    );
    const long = 'x'.repeat(200);
    expect(problem(() => parseField('caption', long, number))).toBe(
      `expected a number, got "${'x'.repeat(80)}..."`,
    );
  });
});
