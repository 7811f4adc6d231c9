import { describe, expect, it } from 'vitest';
import { readLabeledPairs } from './read-labeled-pairs.js';
import { createReadReport } from './read-report.js';
import { collect, fixture, rejection } from './test-support/collect.js';
import { useTempDir } from './test-support/temp-dir.js';

const temp = useTempDir();

describe('readLabeledPairs', () => {
  it('reads `user item label` lines', async () => {
    expect(await collect(readLabeledPairs(fixture('kuairec', 'small_matrix_train.txt')))).toEqual([
      { user: '0', item: '0', label: 1 },
      { user: '0', item: '1', label: 0 },
      { user: '1', item: '2', label: 1 },
      { user: '2', item: '0', label: 0 },
    ]);
  });

  it('rejects a wrong field count and a bad label', async () => {
    const short = await temp.write('small_matrix_train.txt', '1 2 1.00\n3 4\n');
    expect((await rejection(collect(readLabeledPairs(short)))).message).toBe(
      'Cannot parse line 2 of small_matrix_train.txt: expected 3 fields, got 2',
    );
    const bad = await temp.write('small_matrix_valid.txt', '1 2 1.00\n3 4 yes\n');
    expect((await rejection(collect(readLabeledPairs(bad)))).message).toBe(
      'Cannot parse line 2 of small_matrix_valid.txt: field "label": expected a number, got "yes"',
    );
  });

  it('rejects an empty file and invalid UTF-8', async () => {
    const empty = await temp.write('empty.txt', '');
    expect((await rejection(collect(readLabeledPairs(empty)))).message).toBe(
      'Cannot parse empty.txt: the file is empty',
    );
    const invalid = await temp.write('invalid.txt', Buffer.from([0x31, 0x20, 0xc0, 0xaf, 0x20, 0x31, 0x0a]));
    expect((await rejection(collect(readLabeledPairs(invalid)))).message).toBe(
      'Cannot read line 1 of invalid.txt: invalid UTF-8 (byte offset 2)',
    );
  });

  it('skips bad lines when asked', async () => {
    const path = await temp.write('skip.txt', '1 2 1.00\n3 4 x\n5 6 7 8\n9 10 0.00\n');
    const report = createReadReport();
    expect(await collect(readLabeledPairs(path, { skipBadRows: true, report }))).toHaveLength(2);
    expect(report).toMatchObject({ rows: 2, skipped: 2 });
  });
});
