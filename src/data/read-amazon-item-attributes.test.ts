import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../core/index.js';
import { DataRowError } from './data-row-error.js';
import { readAmazonItemAttributes } from './read-amazon-item-attributes.js';
import { createReadReport } from './read-report.js';
import { collect, fixture, rejection } from './test-support/collect.js';
import { useTempDir } from './test-support/temp-dir.js';

const temp = useTempDir();

describe('readAmazonItemAttributes', () => {
  it('yields items whose tags are the attribute ids', async () => {
    const report = createReadReport();
    const items = await collect(
      readAmazonItemAttributes(fixture('sequences', 'Beauty_item2attributes.json'), { report }),
    );
    expect(items).toEqual([
      { id: '1', tags: ['1', '2'] },
      { id: '2', tags: ['3', '4'] },
      { id: '3', tags: ['1'] },
      { id: '5', tags: ['5', '2'] },
      { id: '8', tags: ['6'] },
    ]);
    expect(report).toMatchObject({ rows: 5, skipped: 0 });
  });

  it('names the item and the bad value', async () => {
    const path = await temp.write('Beauty_item2attributes.json', '{"4": [1, 2], "7": [1, null]}');
    const error = await rejection(collect(readAmazonItemAttributes(path)));
    expect(error).toBeInstanceOf(DataRowError);
    expect(error.message).toBe(
      'Cannot parse Beauty_item2attributes.json: item "7": expected a list of attribute ids, got "[1,null]"',
    );
    expect(error).toMatchObject({ field: '7', value: '[1,null]' });
  });

  it('skips bad entries when asked', async () => {
    const path = await temp.write('skip.json', '{"4": [1, 2], "7": "x", "9": [3.5], "10": [3]}');
    const report = createReadReport();
    const items = await collect(readAmazonItemAttributes(path, { skipBadRows: true, report }));
    expect(items.map((item) => item.id)).toEqual(['4', '10']);
    expect(report).toMatchObject({ rows: 2, skipped: 2 });
    expect(report.errors[0]).toBe(
      'Cannot parse skip.json: item "7": expected a list of attribute ids, got "\\"x\\""',
    );
  });

  it('rejects an empty file, invalid JSON, a non-object and invalid UTF-8', async () => {
    const message = async (name: string, content: string | Uint8Array) =>
      (await rejection(collect(readAmazonItemAttributes(await temp.write(name, content))))).message;
    expect(await message('empty.json', '')).toBe('Cannot parse empty.json: the file is empty');
    expect(await message('broken.json', '{"4": [1,')).toMatch(
      /^Cannot parse broken\.json: invalid JSON \(.+\)$/,
    );
    expect(await message('array.json', '[[1, 2]]')).toBe(
      'Cannot parse array.json: expected a JSON object of item id -> attribute ids',
    );
    expect(await message('latin1.json', Buffer.from('{"4": [1],\n"\xe9": [2]}', 'latin1'))).toBe(
      'Cannot read line 2 of latin1.json: invalid UTF-8 (byte offset 12)',
    );
  });

  it('refuses a value nested 100,000 deep, naming its line, without running out of stack', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const path = await temp.write('deep.json', `{"4": [1],\n "7": ${deep}}`);
    const error = await rejection(collect(readAmazonItemAttributes(path)));
    expect(error).toBeInstanceOf(DataRowError);
    expect(error.message).toBe(
      'Cannot parse line 2 of deep.json: nested deeper than 64 levels (arrays and objects, at column 70)',
    );
  });

  it('throws NotFoundError for a missing file', async () => {
    expect(await rejection(collect(readAmazonItemAttributes(temp.path('absent.json'))))).toBeInstanceOf(
      NotFoundError,
    );
  });
});
