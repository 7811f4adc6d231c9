import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../core/index.js';
import { DataRowError } from './data-row-error.js';
import { id, number } from './field-parsers.js';
import { createReadReport } from './read-report.js';
import { type RowFormat, readRows } from './read-rows.js';
import { collect, rejection } from './test-support/collect.js';
import { useTempDir } from './test-support/temp-dir.js';

const temp = useTempDir();

const ratings: RowFormat<{ user: string; rating: number }> = {
  header: ['user', 'rating'],
  parse: (row) => ({ user: row.get('user', id), rating: row.get('rating', number) }),
};

async function read(content: string | Uint8Array, options = {}) {
  const path = await temp.write('ratings.csv', content);
  return collect(readRows(path, ratings, options));
}

async function failure(content: string | Uint8Array): Promise<Error> {
  const path = await temp.write('ratings.csv', content);
  return rejection(collect(readRows(path, ratings)));
}

describe('readRows', () => {
  it('reads rows by header name, in any column order, ignoring extra columns', async () => {
    expect(await read('rating,extra,user\n4.5,x,u1\n3,y,u2\n')).toEqual([
      { user: 'u1', rating: 4.5 },
      { user: 'u2', rating: 3 },
    ]);
  });

  it('handles a BOM, CRLF line ends, blank lines and a missing final newline', async () => {
    expect(await read('\uFEFFuser,rating\r\nu1,1\r\n\r\nu2,2')).toEqual([
      { user: 'u1', rating: 1 },
      { user: 'u2', rating: 2 },
    ]);
  });

  it('with refuseCutRows, refuses a last row without its final newline, keeping the rows before it', async () => {
    const cut = 'user,rating\nu1,1\nu2,2\nu3,4';
    const error = await rejection(read(cut, { refuseCutRows: true }));
    expect(error).toBeInstanceOf(DataRowError);
    expect(error.message).toBe(
      'Cannot parse line 4 of ratings.csv: the file ends without a newline, so its last row may be cut short (end the file with a newline if the row is whole)',
    );
    const report = createReadReport();
    expect(await read(cut, { refuseCutRows: true, skipBadRows: true, report })).toEqual([
      { user: 'u1', rating: 1 },
      { user: 'u2', rating: 2 },
    ]);
    expect(report).toMatchObject({ rows: 2, skipped: 1 });
    expect(report.errors[0]).toContain('line 4 of ratings.csv: the file ends without a newline');
    // Whole files pass: a final newline (LF or CRLF), blank lines after it, a header alone.
    for (const whole of [
      'user,rating\nu1,1\n',
      'user,rating\r\nu1,1\r\n',
      'user,rating\nu1,1\n\n',
      'user,rating',
    ]) {
      await expect(read(whole, { refuseCutRows: true })).resolves.toBeDefined();
    }
    // Whatever the chunk boundaries.
    for (const chunkSize of [1, 2, 3, 5, 7]) {
      await expect(read(cut, { refuseCutRows: true, chunkSize })).rejects.toThrow('line 4 of ratings.csv');
      await expect(read('user,rating\r\nu1,1\r\n', { refuseCutRows: true, chunkSize })).resolves.toHaveLength(
        1,
      );
    }
  });

  it('names the line, file, field and value of a bad value', async () => {
    const error = await failure('user,rating\nu1,1\n\nu2,abc\n');
    expect(error).toBeInstanceOf(DataRowError);
    expect(error.message).toBe(
      'Cannot parse line 4 of ratings.csv: field "rating": expected a number, got "abc"',
    );
    expect(error).toMatchObject({ line: 4, field: 'rating', value: 'abc', file: temp.path('ratings.csv') });
  });

  it('counts the lines of quoted multi-line fields', async () => {
    const error = await failure('user,rating\n"multi\nline\nuser",1\nu2,x\n');
    expect(error.message).toBe(
      'Cannot parse line 5 of ratings.csv: field "rating": expected a number, got "x"',
    );
  });

  it('rejects a row with the wrong number of fields', async () => {
    const error = await failure('user,rating\nu1,1\nu2\n');
    expect(error.message).toBe('Cannot parse line 3 of ratings.csv: expected 2 fields, got 1');
  });

  it('rejects an empty file and a file with only blank lines', async () => {
    expect((await failure('')).message).toBe('Cannot parse ratings.csv: the file is empty');
    expect((await failure('\n\n')).message).toBe('Cannot parse ratings.csv: the file is empty');
  });

  it('rejects a header missing required columns, naming them', async () => {
    const error = await failure('user,score\nu1,1\n');
    expect(error.message).toBe(
      'Cannot parse line 1 of ratings.csv: expected header user,rating got "user,score" (missing rating)',
    );
  });

  it('reports an unterminated quote at the line where it opens', async () => {
    const error = await failure('user,rating\nu1,1\n"u2,2\nu3,3\n');
    expect(error.message).toBe('Cannot parse line 3 of ratings.csv: unterminated quoted field');
  });

  it('reports text after a closing quote', async () => {
    const error = await failure('user,rating\n"u1"x,1\n');
    expect(error.message).toBe(
      'Cannot parse line 2 of ratings.csv: a closing quote must be followed by a comma or the end of the line',
    );
  });

  it('reports a quote inside an unquoted field', async () => {
    const error = await failure('user,rating\nu1,1\nu"2,2\n');
    expect(error.message).toBe(
      'Cannot parse line 3 of ratings.csv: a quote inside an unquoted field (quote the whole field and double the quotes inside)',
    );
  });

  it('gives up on a quoted field longer than 1 MiB instead of buffering the file', async () => {
    const error = await failure(`user,rating\nu1,1\n"${'x'.repeat(1_100_000)}\n`);
    expect(error.message).toBe(
      'Cannot parse line 3 of ratings.csv: record longer than 1048576 characters (unterminated quoted field?)',
    );
  });

  it('reports invalid UTF-8 with its line and byte offset', async () => {
    const content = Buffer.concat([
      Buffer.from('user,rating\nu1,1\nu'),
      Buffer.from([0xff]),
      Buffer.from(',2\n'),
    ]);
    const error = await failure(content);
    expect(error.message).toBe('Cannot read line 3 of ratings.csv: invalid UTF-8 (byte offset 18)');
    expect(error).toMatchObject({ line: 3 });
  });

  it('reports a multi-byte character cut short at the end of the file', async () => {
    const content = Buffer.concat([Buffer.from('user,rating\nu1,1\n'), Buffer.from('中').subarray(0, 2)]);
    const error = await failure(content);
    expect(error.message).toBe('Cannot read line 3 of ratings.csv: invalid UTF-8 (byte offset 17)');
  });

  it('parses multi-byte characters cut across stream chunks', async () => {
    const rows = Array.from({ length: 50 }, (_, index) => `用户${index}号,${index}`);
    const path = await temp.write('chunks.csv', `user,rating\n${rows.join('\n')}\n`);
    for (const chunkSize of [1, 2, 5, 7]) {
      const read = await collect(readRows(path, ratings, { chunkSize }));
      expect(read).toHaveLength(50);
      expect(read[49]).toEqual({ user: '用户49号', rating: 49 });
    }
  });

  it('finds invalid bytes that fall on a chunk boundary', async () => {
    const content = Buffer.concat([
      Buffer.from('user,rating\n中文,1\n'),
      Buffer.from([0xe4, 0xb8, 0x41]),
      Buffer.from(',2\n'),
    ]);
    const path = await temp.write('boundary.csv', content);
    for (const chunkSize of [1, 3, 4, 64]) {
      const error = await rejection(collect(readRows(path, ratings, { chunkSize })));
      expect(error.message).toBe('Cannot read line 3 of boundary.csv: invalid UTF-8 (byte offset 21)');
    }
  });

  it('skips bad rows when asked, counting them and keeping the first 20 messages', async () => {
    const bad = Array.from({ length: 25 }, (_, index) => `u${index},bad`);
    const report = createReadReport();
    const read = await (async () => {
      const path = await temp.write('skip.csv', `user,rating\nu0,1\n${bad.join('\n')}\nu1\nu2,2\n`);
      return collect(readRows(path, ratings, { skipBadRows: true, report }));
    })();
    expect(read).toEqual([
      { user: 'u0', rating: 1 },
      { user: 'u2', rating: 2 },
    ]);
    expect(report).toMatchObject({ file: temp.path('skip.csv'), rows: 2, skipped: 26 });
    expect(report.errors).toHaveLength(20);
    expect(report.errors[0]).toBe(
      'Cannot parse line 3 of skip.csv: field "rating": expected a number, got "bad"',
    );
  });

  it('still throws on structural problems when skipping bad rows', async () => {
    const path = await temp.write('broken.csv', 'user,rating\nu1,1\n"u2,2\n');
    const error = await rejection(collect(readRows(path, ratings, { skipBadRows: true })));
    expect(error.message).toBe('Cannot parse line 3 of broken.csv: unterminated quoted field');
  });

  it('keeps a bare carriage return inside an unquoted field', async () => {
    const path = await temp.write('cr.csv', 'user,rating\nu\r1,1\nu2,2\n');
    expect(await collect(readRows(path, ratings))).toEqual([
      { user: 'u\r1', rating: 1 },
      { user: 'u2', rating: 2 },
    ]);
  });

  it('can stop early without reading the rest of the file', async () => {
    const path = await temp.write('many.csv', `user,rating\n${'u,1\n'.repeat(100_000)}`);
    let count = 0;
    for await (const _row of readRows(path, ratings, { chunkSize: 1024 })) {
      if (++count === 3) break;
    }
    expect(count).toBe(3);
  });

  it('throws NotFoundError for a missing file', async () => {
    const error = await rejection(collect(readRows(temp.path('absent.csv'), ratings)));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe(`Cannot read ${temp.path('absent.csv')}: no such file`);
  });

  it('reads space-separated files without quoting, tolerating repeated spaces', async () => {
    const path = await temp.write('pairs.txt', 'a  "b 1\nc d 2 \n');
    const format: RowFormat<string[]> = {
      delimiter: ' ',
      fields: ['x', 'y', 'z'],
      parse: (row) => [...row.fields],
    };
    expect(await collect(readRows(path, format))).toEqual([
      ['a', '"b', '1'],
      ['c', 'd', '2'],
    ]);
  });
});
