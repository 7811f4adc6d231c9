import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadReport, DataRowError } from '../../data/index.js';
import { readJsonl } from './read-jsonl.js';

let directory = '';
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'genfeed-jsonl-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function write(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, content);
  return path;
}

async function collect<T>(values: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const value of values) result.push(value);
  return result;
}

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('readJsonl', () => {
  it('reads items, users and events, with ISO or millisecond times and derived event ids', async () => {
    const path = await write(
      'ok.jsonl',
      [
        '{"type":"item","id":"v1","caption":"晚霞","hashtags":["sky"],"uploadTime":"2026-01-05T08:00:00Z","semanticId":[3,1,4],"aiGenerated":true}',
        '',
        '{"type":"user","id":"u1","features":{"age":"18-24","fans":3}}\r',
        '{"type":"event","userId":"u1","itemId":"v1","time":1767600000000,"signals":{"click":1,"playTimeMs":5300}}',
        '{"type":"event","id":"e9","userId":"u1","itemId":"v1","time":"2026-01-05T08:00:01.500+01:00","pipeline":"cascade","position":2}',
      ].join('\n'),
    );
    const report = createReadReport();
    const records = await collect(readJsonl(path, { report, chunkSize: 7 }));
    expect(records).toEqual([
      {
        type: 'item',
        item: {
          id: 'v1',
          caption: '晚霞',
          hashtags: ['sky'],
          uploadTime: Date.UTC(2026, 0, 5, 8),
          semanticId: [3, 1, 4],
          aiGenerated: true,
        },
      },
      { type: 'user', user: { id: 'u1', features: { age: '18-24', fans: 3 } } },
      {
        type: 'event',
        event: {
          id: 'u1:v1:1767600000000',
          userId: 'u1',
          itemId: 'v1',
          time: 1767600000000,
          signals: { click: 1, playTimeMs: 5300 },
        },
      },
      {
        type: 'event',
        event: {
          id: 'e9',
          userId: 'u1',
          itemId: 'v1',
          time: Date.UTC(2026, 0, 5, 7, 0, 1, 500),
          pipeline: 'cascade',
          position: 2,
        },
      },
    ]);
    expect(report).toMatchObject({ file: path, rows: 4, skipped: 0 });
  });

  it.each([
    ['{"type":"item","id":"v1"', /^Cannot parse line 2 of bad\.jsonl: not JSON/],
    ['[1,2]', /^Cannot parse line 2 of bad\.jsonl: expected a JSON object with a "type"$/],
    [
      '{"type":"video","id":"v1"}',
      /^Cannot parse line 2 of bad\.jsonl: field "type": expected "item", "user" or "event", got "video"$/,
    ],
    [
      '{"type":"event","userId":"u1","itemId":"v1","time":1,"signals":{"click":2}}',
      /^Cannot parse line 2 of bad\.jsonl: field "signals\.click": expected 0 or 1, got 2$/,
    ],
    [
      '{"type":"event","userId":"u1","time":1}',
      /^Cannot parse line 2 of bad\.jsonl: field "itemId": .*expected string/,
    ],
    [
      '{"type":"item","id":"v1","captoin":"typo"}',
      /^Cannot parse line 2 of bad\.jsonl: unknown field\(s\) "captoin" for an item$/,
    ],
    [
      '{"type":"event","userId":"u1","itemId":"v1","time":"yesterday"}',
      /^Cannot parse line 2 of bad\.jsonl: field "time": .*got "yesterday"$/,
    ],
  ])('names the line and field of a bad line: %s', async (line, message) => {
    const path = await write('bad.jsonl', `{"type":"user","id":"u0"}\n${line}\n{"type":"user","id":"u3"}\n`);
    const error = await errorOf(collect(readJsonl(path)));
    expect(error).toBeInstanceOf(DataRowError);
    expect(error.message).toMatch(message);
    expect((error as DataRowError).line).toBe(2);
  });

  it('reports bytes that are not UTF-8 on their line', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"type":"user","id":"u0"}\n{"type":"user","id":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}\n'),
    ]);
    const path = await write('binary.jsonl', bytes);
    await expect(collect(readJsonl(path))).rejects.toThrow(
      'Cannot read line 2 of binary.jsonl: not valid UTF-8',
    );
  });

  it('skips and counts bad lines when asked, keeping their messages', async () => {
    const path = await write(
      'mixed.jsonl',
      '{"type":"user","id":"u1"}\nnope\n{"type":"user"}\n{"type":"user","id":"u2"}',
    );
    const report = createReadReport();
    const records = await collect(readJsonl(path, { skipBadRows: true, report }));
    expect(records.map((record) => (record.type === 'user' ? record.user.id : ''))).toEqual(['u1', 'u2']);
    expect(report.rows).toBe(2);
    expect(report.skipped).toBe(2);
    expect(report.errors[0]).toMatch(/^Cannot parse line 2 of mixed\.jsonl: not JSON/);
    expect(report.errors[1]).toMatch(/^Cannot parse line 3 of mixed\.jsonl: field "id"/);
  });

  it('says when the file does not exist', async () => {
    await expect(collect(readJsonl(join(directory, 'absent.jsonl')))).rejects.toThrow(
      /Cannot read .*absent\.jsonl: no such file/,
    );
  });

  it('refuses a line nested deeper than 64 levels, naming it, or skips it when asked', async () => {
    const deep = `{"type":"item","id":"v1","hashtags":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const path = await write('deep.jsonl', `{"type":"item","id":"v0"}\n${deep}\n{"type":"item","id":"v2"}\n`);
    const error = await errorOf(collect(readJsonl(path)));
    expect(error).toBeInstanceOf(DataRowError);
    expect(error.message).toBe(
      'Cannot parse line 2 of deep.jsonl: nested deeper than 64 levels (arrays and objects, at column 100)',
    );
    const report = createReadReport();
    const kept = await collect(readJsonl(path, { report, skipBadRows: true }));
    expect(kept.map((record) => record.type === 'item' && record.item.id)).toEqual(['v0', 'v2']);
    expect(report.skipped).toBe(1);
  });
});
