import { describe, expect, it } from 'vitest';
import { createReadReport } from './read-report.js';
import { readSequences } from './read-sequences.js';
import { collect, fixture, rejection } from './test-support/collect.js';
import { useTempDir } from './test-support/temp-dir.js';

const temp = useTempDir();

describe('readSequences', () => {
  it('yields one interaction per item, time = position in the line', async () => {
    const interactions = await collect(readSequences(fixture('sequences', 'Beauty.txt')));
    expect(interactions).toHaveLength(11);
    expect(interactions.slice(0, 4)).toEqual([
      { user: '1', item: '1', time: 0 },
      { user: '1', item: '2', time: 1 },
      { user: '1', item: '3', time: 2 },
      { user: '2', item: '4', time: 0 },
    ]);
    expect(interactions.at(-1)).toEqual({ user: '4', item: '8', time: 1 });
  });

  it('rejects a line without items', async () => {
    const path = await temp.write('Beauty.txt', '1 1 2\n2 3\n3\n');
    const error = await rejection(collect(readSequences(path)));
    expect(error.message).toBe(
      'Cannot parse line 3 of Beauty.txt: expected at least 2 fields (user and one item), got 1',
    );
  });

  it('rejects an empty file and invalid UTF-8', async () => {
    const empty = await temp.write('empty.txt', '');
    expect((await rejection(collect(readSequences(empty)))).message).toBe(
      'Cannot parse empty.txt: the file is empty',
    );
    const latin1 = await temp.write(
      'latin1.txt',
      Buffer.from([0x31, 0x20, 0x61, 0x0a, 0x32, 0x20, 0xe9, 0x0a]),
    );
    expect((await rejection(collect(readSequences(latin1)))).message).toBe(
      'Cannot read line 2 of latin1.txt: invalid UTF-8 (byte offset 6)',
    );
  });

  it('skips lines without items when asked', async () => {
    const path = await temp.write('skip.txt', '1 1 2\n2\n3 4\n');
    const report = createReadReport();
    const interactions = await collect(readSequences(path, { skipBadRows: true, report }));
    expect(interactions.map((interaction) => interaction.item)).toEqual(['1', '2', '4']);
    expect(report).toMatchObject({ rows: 2, skipped: 1 });
    expect(report.errors).toEqual([
      'Cannot parse line 2 of skip.txt: expected at least 2 fields (user and one item), got 1',
    ]);
  });
});
