import type { FieldParser } from './field-parsers.js';
import { RowProblem, showValue } from './row-problem.js';

/** One record of a data file, its fields addressed by column name. */
export class Row {
  readonly fields: readonly string[];
  readonly #columns: ReadonlyMap<string, number>;

  constructor(fields: readonly string[], columns: ReadonlyMap<string, number>) {
    this.fields = fields;
    this.#columns = columns;
  }

  /** The column names this row can be asked for, in file order. */
  columns(): IterableIterator<string> {
    return this.#columns.keys();
  }

  /** The raw text of a column, or its value through `parser`. */
  get(column: string): string;
  get<T>(column: string, parser: FieldParser<T>): T;
  get<T>(column: string, parser?: FieldParser<T>): T | string {
    const index = this.#columns.get(column);
    if (index === undefined) throw new RangeError(`No column "${column}" in this row format`);
    return parseField(column, this.fields[index] ?? '', parser);
  }
}

/** Parses one value, naming `field` and the value when it does not fit. */
export function parseField(field: string, value: string): string;
export function parseField<T>(field: string, value: string, parser: FieldParser<T> | undefined): T | string;
export function parseField<T>(field: string, value: string, parser: FieldParser<T>): T;
export function parseField<T>(field: string, value: string, parser?: FieldParser<T>): T | string {
  if (parser === undefined) return value;
  try {
    return parser(value);
  } catch (error) {
    if (error instanceof RowProblem && error.field === undefined) {
      throw new RowProblem(`${error.problem}, got ${showValue(value)}`, field, value);
    }
    throw error;
  }
}
