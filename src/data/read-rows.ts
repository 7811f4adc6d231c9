import { createReadStream } from 'node:fs';
import { pipeline, type TransformCallback } from 'node:stream';
import { CsvError, Parser } from 'csv-parse';
import { NotFoundError } from '../core/index.js';
import { DataRowError } from './data-row-error.js';
import { recordSkipped } from './read-report.js';
import { Row } from './row.js';
import { RowProblem, showValue } from './row-problem.js';
import type { ReadOptions } from './types.js';
import { Utf8Validator } from './utf8-validator.js';

/** How one kind of delimited file is laid out and turned into values. */
export interface RowFormat<T> {
  /** `,` for quoted CSV (default); ` ` for space-separated words without quoting. */
  delimiter?: ',' | ' ';
  /** The first line is a header that must name these columns (any order; other columns allowed). */
  header?: readonly string[];
  /** No header: the fields by position, and each line must have exactly this many. */
  fields?: readonly string[];
  /** No header and a variable number of fields: the least allowed, and what they are. */
  minFields?: { count: number; meaning: string };
  /** Builds the value of one row; throws `RowProblem` (field parsers do) when it does not fit. */
  parse(row: Row): T;
}

interface NumberedRecord {
  record: string[];
  /** The line where the record starts. */
  line: number;
  /** The last record of a file that does not end with a newline. */
  unterminated?: true;
}

const NEWLINE = 0x0a;

/** Why `refuseCutRows` refuses the last row of a file without a final newline. */
const CUT_SHORT =
  'the file ends without a newline, so its last row may be cut short (end the file with a newline if the row is whole)';

/**
 * csv-parse's stream parser, handing over each record with the line it starts
 * on. csv-parse knows only the line where a record ends (its live `info`);
 * a record starts after the previous one and any blank lines. Counted here, as
 * records are made, because a parse error surfaces to the reader before the
 * records buffered ahead of it (and `info: true` / `on_record` build a fresh
 * info object per record, which doubles the parse time).
 */
class NumberedParser extends Parser {
  #previousEnd = 0;
  #previousBlank = 0;
  #lastByte = NEWLINE;
  #flushing = false;
  #lastPushed: NumberedRecord | undefined;

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback): void {
    if (chunk.length > 0) this.#lastByte = chunk[chunk.length - 1]!;
    super._transform(chunk, encoding, callback);
  }

  override _flush(callback: TransformCallback): void {
    this.#flushing = true;
    super._flush(callback);
  }

  /** The line where the next record starts, given the blank lines skipped so far. */
  startLine(blankLines: number): number {
    return this.#previousEnd + 1 + (blankLines - this.#previousBlank);
  }

  override push(record: unknown, encoding?: BufferEncoding): boolean {
    if (record === null) {
      // csv-parse pushes the records it still holds at the end synchronously in
      // `_flush`, before the end; readers take them on a later tick, so the
      // last one can still be marked here.
      if (this.#flushing && this.#lastPushed !== undefined && this.#lastByte !== NEWLINE)
        this.#lastPushed.unterminated = true;
      return super.push(null, encoding);
    }
    const line = this.startLine(this.info.empty_lines);
    this.#previousEnd = this.info.lines;
    this.#previousBlank = this.info.empty_lines;
    const numbered: NumberedRecord = { record: record as string[], line };
    if (this.#flushing) this.#lastPushed = numbered;
    return super.push(numbered, encoding);
  }
}

/**
 * A quoted field this long means a quote was never closed: stop there instead
 * of buffering the rest of a multi-GB file into one record.
 */
const MAX_RECORD_CHARS = 1 << 20;

/**
 * Streams the rows of a delimited file through `format.parse`, in constant
 * memory. Every bad row throws a `DataRowError` naming the line, or with
 * `skipBadRows` is counted in the report and skipped (with `refuseCutRows`, a
 * last row without its final newline is a bad row). Problems with the file
 * as a whole (empty, wrong header, not UTF-8, broken quoting) always throw.
 */
export async function* readRows<T>(
  path: string,
  format: RowFormat<T>,
  options: ReadOptions = {},
): AsyncGenerator<T> {
  const { report, skipBadRows = false } = options;
  if (report !== undefined) report.file = path;
  const delimiter = format.delimiter ?? ',';
  const source = createReadStream(
    path,
    options.chunkSize === undefined ? {} : { highWaterMark: options.chunkSize },
  );
  const parser = new NumberedParser({
    delimiter,
    // Space-separated files have no quoting: a '"' there is plain text.
    quote: delimiter === ' ' ? false : '"',
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    // Not auto-detected: KuaiRec captions hold bare '\r' inside unquoted fields.
    record_delimiter: ['\r\n', '\n'],
    ...(delimiter === ',' ? { max_record_size: MAX_RECORD_CHARS } : {}),
  });
  // Errors anywhere in the chain destroy the parser with that error, which the loop below rethrows.
  pipeline(source, new Utf8Validator(path), parser, () => {});

  // Undefined until the header is read; headerless files name their fields by position.
  let columns: Map<string, number> | undefined =
    format.header === undefined
      ? new Map((format.fields ?? []).map((name, index) => [name, index]))
      : undefined;
  let expectedFields = format.fields?.length;
  let records = 0;

  try {
    for await (const { record, line, unterminated } of parser as AsyncIterable<NumberedRecord>) {
      records++;
      const fields =
        delimiter === ' ' && record.includes('') ? record.filter((field) => field !== '') : record;

      if (columns === undefined) {
        columns = headerColumns(path, line, fields, format.header ?? []);
        expectedFields = fields.length;
        continue;
      }
      try {
        if (unterminated && options.refuseCutRows) throw new RowProblem(CUT_SHORT);
        checkFieldCount(fields.length, expectedFields, format.minFields);
        const value = format.parse(new Row(fields, columns));
        if (report !== undefined) report.rows++;
        yield value;
      } catch (error) {
        if (!(error instanceof RowProblem)) throw error;
        const rowError = new DataRowError({
          file: path,
          line,
          problem: error.problem,
          ...(error.field === undefined ? {} : { field: error.field }),
          ...(error.value === undefined ? {} : { value: error.value }),
        });
        if (!skipBadRows) throw rowError;
        recordSkipped(report, rowError.message);
      }
    }
  } catch (error) {
    throw fileError(path, error, parser);
  } finally {
    source.destroy();
  }
  if (records === 0) throw new DataRowError({ file: path, problem: 'the file is empty' });
}

/** Long enough for the widest real header (KuaiRand user features, about 600 characters). */
const MAX_HEADER_SHOWN = 1000;

function headerColumns(
  path: string,
  line: number,
  fields: readonly string[],
  required: readonly string[],
): Map<string, number> {
  const names = fields.map((field) => field.trim());
  const missing = required.filter((name) => !names.includes(name));
  if (missing.length > 0) {
    const found = names.join(',');
    throw new DataRowError({
      file: path,
      line,
      value: found,
      problem: `expected header ${required.join(',')} got ${showValue(found, MAX_HEADER_SHOWN)} (missing ${missing.join(', ')})`,
    });
  }
  return new Map(names.map((name, index) => [name, index]));
}

function checkFieldCount(
  count: number,
  expected: number | undefined,
  minimum: RowFormat<unknown>['minFields'],
): void {
  if (minimum !== undefined) {
    if (count < minimum.count) {
      throw new RowProblem(`expected at least ${minimum.count} fields (${minimum.meaning}), got ${count}`);
    }
  } else if (count !== expected) {
    throw new RowProblem(`expected ${expected} fields, got ${count}`);
  }
}

/** Gives csv-parse and file-system errors the same shape as row errors. */
function fileError(path: string, error: unknown, parser: NumberedParser): unknown {
  if (error instanceof CsvError) {
    const blankLines = (error as CsvError & { empty_lines?: number }).empty_lines ?? 0;
    return new DataRowError(
      { file: path, line: parser.startLine(blankLines), problem: csvProblem(error) },
      { cause: error },
    );
  }
  if (error instanceof Error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
    return new NotFoundError(`Cannot read ${path}: no such file`, { cause: error });
  }
  return error;
}

const CSV_PROBLEMS: Readonly<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'unterminated quoted field',
  CSV_MAX_RECORD_SIZE: `record longer than ${MAX_RECORD_CHARS} characters (unterminated quoted field?)`,
  CSV_INVALID_CLOSING_QUOTE: 'a closing quote must be followed by a comma or the end of the line',
  INVALID_OPENING_QUOTE:
    'a quote inside an unquoted field (quote the whole field and double the quotes inside)',
};

function csvProblem(error: CsvError): string {
  return CSV_PROBLEMS[error.code] ?? error.message;
}
