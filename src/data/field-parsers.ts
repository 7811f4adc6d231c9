import { RowProblem } from './row-problem.js';

/**
 * Turns the text of one field into a value, or throws a `RowProblem` saying
 * what was expected (the row adds the field name and the bad value).
 */
export type FieldParser<T> = (value: string) => T;

// Plain decimal or scientific notation only: `Number()` alone would also take
// '', ' ', '0x1f' and 'Infinity'.
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
// pandas writes integer columns that held a NaN as floats ('87433.0').
const INTEGER = /^[+-]?\d+(?:\.0*)?$/;

export const text: FieldParser<string> = (value) => value;

/** A non-empty identifier, kept as a string (sources disagree on id types). */
export const id: FieldParser<string> = (value) => {
  const trimmed = value.trim();
  if (trimmed === '') throw new RowProblem('expected an id');
  return trimmed;
};

export const number: FieldParser<number> = (value) => {
  const trimmed = value.trim();
  if (!NUMBER.test(trimmed)) throw new RowProblem('expected a number');
  return Number(trimmed);
};

export const integer: FieldParser<number> = (value) => {
  const trimmed = value.trim();
  if (!INTEGER.test(trimmed)) throw new RowProblem('expected an integer');
  return Number(trimmed);
};

/** 0 or 1, as the binary feedback columns are written. */
export const binary: FieldParser<0 | 1> = (value) => {
  const trimmed = value.trim();
  if (INTEGER.test(trimmed)) {
    const parsed = Number(trimmed);
    if (parsed === 0 || parsed === 1) return parsed;
  }
  throw new RowProblem('expected 0 or 1');
};

/** An empty field means "absent"; anything else must satisfy `parser`. */
export function optional<T>(parser: FieldParser<T>): FieldParser<T | undefined> {
  return (value) => (value.trim() === '' ? undefined : parser(value));
}

/**
 * A calendar date (`2020-07-05`, `20200705`, or `20200705.0` as pandas writes
 * a date column holding NaNs) or date-time (`2020-07-05 05:27:48.378`) in
 * local time `utcOffsetHours` east of UTC, as unix seconds. The Kuaishou logs
 * are written in Beijing time (UTC+8). Parsed by hand, not by regex: it runs
 * twice per row on logs of millions of rows.
 */
export function date(utcOffsetHours: number): FieldParser<number> {
  return (value) => {
    const seconds = parseDate(value.trim());
    if (Number.isNaN(seconds)) {
      throw new RowProblem('expected a date like 2020-07-05, 20200705 or 2020-07-05 05:27:48');
    }
    return seconds - utcOffsetHours * 3600;
  };
}

/** Seconds since the epoch of a date (and time) read as UTC, or NaN. */
function parseDate(text: string): number {
  const year = digits(text, 0, 4);
  let month: number;
  let day: number;
  let rest: number;
  if (text.charCodeAt(4) === DASH) {
    if (text.charCodeAt(7) !== DASH) return Number.NaN;
    month = digits(text, 5, 2);
    day = digits(text, 8, 2);
    rest = 10;
  } else {
    month = digits(text, 4, 2);
    day = digits(text, 6, 2);
    rest = 8;
    if (text.charCodeAt(rest) === DOT && allZeros(text, rest + 1)) rest = text.length;
  }
  if (!isCalendarDate(year, month, day)) return Number.NaN;
  let hour = 0;
  let minute = 0;
  let second = 0;
  if (rest < text.length) {
    const separator = text.charCodeAt(rest);
    if ((separator !== SPACE && separator !== LETTER_T) || text.charCodeAt(rest + 3) !== COLON)
      return Number.NaN;
    if (text.charCodeAt(rest + 6) !== COLON) return Number.NaN;
    hour = digits(text, rest + 1, 2);
    minute = digits(text, rest + 4, 2);
    second = digits(text, rest + 7, 2);
    const fraction = text.slice(rest + 9);
    if (fraction !== '' && !FRACTION.test(fraction)) return Number.NaN;
    if (!(hour <= 23 && minute <= 59 && second <= 59)) return Number.NaN;
    if (fraction !== '') second += Number(`0${fraction}`);
  }
  return daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms"). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

const DASH = 45;
const DOT = 46;
const COLON = 58;
const SPACE = 32;
const LETTER_T = 84;
const FRACTION = /^\.\d+$/;

/** The number written by `length` ASCII digits at `start`, or NaN. */
function digits(text: string, start: number, length: number): number {
  if (start + length > text.length) return Number.NaN;
  let value = 0;
  for (let at = start; at < start + length; at++) {
    const digit = text.charCodeAt(at) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

function allZeros(text: string, start: number): boolean {
  for (let at = start; at < text.length; at++) if (text.charCodeAt(at) !== 48) return false;
  return true;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (Number.isNaN(year) || Number.isNaN(day) || !(month >= 1) || month > 12 || day < 1) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= DAYS_IN_MONTH[month - 1]! + (leap ? 1 : 0);
}

/**
 * A list written `[a, b]` (brackets required, `[]` for none) or, with
 * `brackets: false`, a bare `a,b` (empty for none); each element must satisfy
 * `element`.
 */
export function list<T>(element: FieldParser<T>, options: { brackets?: boolean } = {}): FieldParser<T[]> {
  const brackets = options.brackets ?? true;
  const shape = brackets ? 'a list like [1,2]' : 'a list like 1,2';
  return (value) => {
    let inner = value.trim();
    if (brackets) {
      if (!inner.startsWith('[') || !inner.endsWith(']')) throw new RowProblem(`expected ${shape}`);
      inner = inner.slice(1, -1).trim();
    }
    if (inner === '') return [];
    return inner.split(',').map((part) => {
      try {
        return element(part.trim());
      } catch (error) {
        if (error instanceof RowProblem)
          throw new RowProblem(`expected ${shape}: ${error.problem} in the list`);
        throw error;
      }
    });
  };
}
