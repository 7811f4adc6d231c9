import { createReadStream } from 'node:fs';
import { TextDecoder } from 'node:util';
import { NotFoundError } from '../../core/index.js';
import { DataRowError, excessNestingOffset, MAX_JSON_DEPTH, type ReadOptions } from '../../data/index.js';
import { importTimeWindow, type TimeWindow } from '../bounds.js';
import {
  type ImportRecord,
  type JsonlSchemas,
  type JsonlType,
  jsonlSchemas,
  toImportRecord,
} from './jsonl-format.js';

export interface ReadJsonlOptions extends ReadOptions {
  /** Accepted times around now; default `importTimeWindow` (1970 to a day ahead). */
  timeWindow?: TimeWindow;
}

/** A line this long is not a record but a broken file: stop instead of buffering it. */
const MAX_LINE_BYTES = 16 << 20;
const NEWLINE = 0x0a;
const MAX_REPORTED_ERRORS = 20;

/**
 * Streams a JSONL import file (`jsonl-format.ts`) in constant memory. A bad
 * line throws a `DataRowError` naming the line and the field, or with
 * `skipBadRows` is counted in the report and skipped. Blank lines are allowed.
 * A line nested deeper than `MAX_JSON_DEPTH` is a bad line, found before
 * parsing: the schema check and the error message walk values by recursion.
 */
export async function* readJsonl(path: string, options: ReadJsonlOptions = {}): AsyncGenerator<ImportRecord> {
  const { report, skipBadRows = false } = options;
  const schemas = jsonlSchemas(options.timeWindow ?? importTimeWindow);
  if (report !== undefined) report.file = path;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let lineNumber = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;

  const parseLine = (bytes: Buffer): ImportRecord | undefined => {
    lineNumber++;
    try {
      return parseRecord(schemas, { path, line: lineNumber }, bytes, decoder);
    } catch (error) {
      if (!(error instanceof DataRowError) || !skipBadRows) throw error;
      if (report !== undefined) {
        report.skipped++;
        if (report.errors.length < MAX_REPORTED_ERRORS) report.errors.push(error.message);
      }
      return undefined;
    }
  };

  try {
    for await (const chunk of createReadStream(
      path,
      options.chunkSize ? { highWaterMark: options.chunkSize } : {},
    )) {
      const bytes = chunk as Buffer;
      let start = 0;
      for (let end = bytes.indexOf(NEWLINE); end !== -1; end = bytes.indexOf(NEWLINE, start)) {
        pending.push(bytes.subarray(start, end));
        const record = parseLine(Buffer.concat(pending));
        pending = [];
        pendingBytes = 0;
        start = end + 1;
        if (record !== undefined) {
          if (report !== undefined) report.rows++;
          yield record;
        }
      }
      pending.push(bytes.subarray(start));
      pendingBytes += bytes.length - start;
      if (pendingBytes > MAX_LINE_BYTES) {
        throw new DataRowError({
          file: path,
          line: lineNumber + 1,
          problem: `line longer than ${MAX_LINE_BYTES} bytes`,
        });
      }
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NotFoundError(`Cannot read ${path}: no such file`, { cause: error });
    }
    throw error;
  }
  if (pendingBytes > 0) {
    const record = parseLine(Buffer.concat(pending));
    if (record !== undefined) {
      if (report !== undefined) report.rows++;
      yield record;
    }
  }
}

function parseRecord(
  schemas: JsonlSchemas,
  { path, line }: { path: string; line: number },
  bytes: Buffer,
  decoder: TextDecoder,
): ImportRecord | undefined {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw new DataRowError({ file: path, line, action: 'read', problem: 'not valid UTF-8' });
  }
  if (text.trim() === '') return undefined;
  const tooDeep = excessNestingOffset(text);
  if (tooDeep !== -1) {
    throw new DataRowError({
      file: path,
      line,
      problem: `nested deeper than ${MAX_JSON_DEPTH} levels (arrays and objects, at column ${tooDeep + 1})`,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DataRowError({ file: path, line, problem: `not JSON (${(error as Error).message})` });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new DataRowError({ file: path, line, problem: 'expected a JSON object with a "type"' });
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.hasOwn(schemas, type)) {
    throw new DataRowError({
      file: path,
      line,
      field: 'type',
      value: String(type),
      problem: `expected "item", "user" or "event", got ${JSON.stringify(type) ?? 'nothing'}`,
    });
  }
  const result = schemas[type as JsonlType].safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.join('.');
    const got = valueAt(value, issue.path);
    const problem =
      issue.code === 'unrecognized_keys'
        ? `unknown field(s) ${issue.keys.map((key) => JSON.stringify(key)).join(', ')} for ${type === 'item' ? 'an' : 'a'} ${type}`
        : `${issue.message}${got === undefined ? '' : `, got ${JSON.stringify(got)?.slice(0, 80)}`}`;
    throw new DataRowError({
      file: path,
      line,
      problem,
      ...(field === '' ? {} : { field }),
      ...(got === undefined ? {} : { value: JSON.stringify(got) }),
    });
  }
  return toImportRecord(result.data);
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
