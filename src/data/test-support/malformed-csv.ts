import { describe, expect, it } from 'vitest';
import { DataRowError } from '../data-row-error.js';
import { createReadReport } from '../read-report.js';
import type { ReadOptions } from '../types.js';
import { collect, rejection } from './collect.js';
import { useTempDir } from './temp-dir.js';

export interface MalformedCsvCase {
  /** The file name the reader is known by (messages show it). */
  file: string;
  read: (path: string, options?: ReadOptions) => AsyncIterable<unknown>;
  header: string;
  /** The columns the reader requires, in the order its message lists them. */
  required: readonly string[];
  /** A valid data row. */
  row: string;
  /** The row with one bad value, and the message part after `line N of file: `. */
  badValue: { row: string; message: string };
}

/**
 * The malformed-file checks every CSV reader must pass, with exact messages:
 * the same contract for each reader, run from its own test file.
 */
export function describeMalformedCsv(spec: MalformedCsvCase): void {
  const temp = useTempDir();
  const { file, header, row } = spec;
  const fields = header.split(',').length;
  const failure = async (content: string | Uint8Array) =>
    rejection(collect(spec.read(await temp.write(file, content))));

  describe(`${file}: malformed input`, () => {
    it('rejects a row with a field missing', async () => {
      const short = row.slice(0, row.lastIndexOf(','));
      const error = await failure(`${header}\n${row}\n${short}\n`);
      expect(error).toBeInstanceOf(DataRowError);
      expect(error.message).toBe(
        `Cannot parse line 3 of ${file}: expected ${fields} fields, got ${fields - 1}`,
      );
    });

    it('rejects a bad value', async () => {
      const error = await failure(`${header}\n${row}\n${spec.badValue.row}\n`);
      expect(error.message).toBe(`Cannot parse line 3 of ${file}: ${spec.badValue.message}`);
    });

    it('rejects an unterminated quoted field', async () => {
      const error = await failure(`${header}\n${row}\n"${row}\n${row}\n`);
      expect(error.message).toBe(`Cannot parse line 3 of ${file}: unterminated quoted field`);
    });

    it('rejects invalid UTF-8', async () => {
      const before = Buffer.from(`${header}\n${row}\n`);
      const error = await failure(Buffer.concat([before, Buffer.from([0xff]), Buffer.from(`${row}\n`)]));
      expect(error.message).toBe(
        `Cannot read line 3 of ${file}: invalid UTF-8 (byte offset ${before.length})`,
      );
    });

    it('rejects an empty file', async () => {
      expect((await failure('')).message).toBe(`Cannot parse ${file}: the file is empty`);
    });

    it('rejects a header without the required columns', async () => {
      const [first, ...rest] = header.split(',');
      const renamed = [`${first}_renamed`, ...rest].join(',');
      const error = await failure(`${renamed}\n${row}\n`);
      expect(error.message).toBe(
        `Cannot parse line 1 of ${file}: expected header ${spec.required.join(',')} got "${renamed}" (missing ${first})`,
      );
    });

    it('skips bad rows when asked, counting them', async () => {
      const path = await temp.write(file, `${header}\n${row}\n${spec.badValue.row}\n${row},extra\n${row}\n`);
      const report = createReadReport();
      const values = await collect(spec.read(path, { skipBadRows: true, report }));
      expect(values).toHaveLength(2);
      expect(report).toMatchObject({ file: path, rows: 2, skipped: 2 });
      expect(report.errors).toEqual([
        `Cannot parse line 3 of ${file}: ${spec.badValue.message}`,
        `Cannot parse line 4 of ${file}: expected ${fields} fields, got ${fields + 1}`,
      ]);
    });
  });
}
