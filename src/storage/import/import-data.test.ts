import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Progress } from '../../core/index.js';
import { openSqliteStore } from '../sqlite-store.js';
import type { Store } from '../store.js';
import { importData } from './import-data.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../../fixtures/data/${name}`, import.meta.url));

let directory = '';
let store: Store;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'genfeed-import-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});
afterEach(async () => {
  await store?.close();
});

async function freshStore(): Promise<Store> {
  store = await openSqliteStore({ path: ':memory:' });
  return store;
}

describe('importData', () => {
  it.each([
    // format, written (items, users, events), rows in the store after it (events bring bare users and items)
    ['kuairand', { items: 3, users: 2, events: 5 }, { items: 4, users: 3, events: 5 }],
    ['kuairec', { items: 4, users: 3, events: 5 }, { items: 4, users: 3, events: 5 }],
    ['movielens', { items: 3, users: 0, events: 5 }, { items: 3, users: 3, events: 5 }],
    ['sequences', { items: 5, users: 0, events: 11 }, { items: 8, users: 4, events: 11 }],
  ] as const)(
    'imports the %s fixture, and a second run leaves the same rows',
    async (name, written, stored) => {
      const target = await freshStore();
      const first = await importData(target, fixture(name));
      expect(first).toMatchObject({ format: name, ...written });
      expect(first.reports.every((report) => report.skipped === 0 && report.rows > 0)).toBe(true);
      expect(await target.counts()).toMatchObject(stored);
      await importData(target, fixture(name), { batchSize: 2 });
      expect(await target.counts()).toMatchObject(stored);
    },
  );

  it('keeps the KuaiRand signals, times in ms and video metadata', async () => {
    const target = await freshStore();
    await importData(target, fixture('kuairand'));
    const events = await target.userEvents('1');
    expect(events.find((event) => event.id === '1:10:1649509200500')).toEqual({
      id: '1:10:1649509200500',
      userId: '1',
      itemId: '10',
      time: 1649509200500,
      signals: {
        click: 1,
        like: 1,
        follow: 1,
        comment: 1,
        forward: 0,
        hate: 0,
        longView: 1,
        profileEnter: 1,
        playTimeMs: 40001,
        durationMs: 19957,
        profileStayTimeMs: 5300,
        commentStayTimeMs: 12000,
      },
    });
    expect(await target.getItem('10')).toMatchObject({ author: '5001', durationMs: 19957, tags: ['39'] });
    expect((await target.getUser('0'))?.features).toMatchObject({ user_active_degree: 'full_active' });
  });

  it('merges KuaiRec captions with category ids and keeps watch ratios as labels', async () => {
    const target = await freshStore();
    await importData(target, fixture('kuairec'));
    expect(await target.getItem('102')).toMatchObject({
      hashtags: ['快乐', '日常'],
      categories: ['喜剧', '搞笑互动', '情景短剧'],
      tags: ['9', '27'],
    });
    const events = await target.userEvents('21');
    expect(events.find((event) => event.itemId === '101')).toMatchObject({
      time: 0,
      label: 1.857143,
      signals: { playTimeMs: 13000, durationMs: 7000 },
    });
  });

  it('imports one KuaiRec matrix given as a file, and refuses other single files', async () => {
    const target = await freshStore();
    const summary = await importData(target, join(fixture('kuairec'), 'big_matrix.csv'));
    expect(summary).toMatchObject({ items: 0, users: 0, events: 3 });
    await expect(
      importData(target, join(fixture('kuairec'), 'user_features.csv'), { format: 'kuairec' }),
    ).rejects.toThrow(/Cannot import .*user_features\.csv alone as KuaiRec: give the folder/);
  });

  it('imports JSONL, stops at a bad line naming file and line, and skips bad lines when asked', async () => {
    const path = join(directory, 'catalogue.jsonl');
    await writeFile(
      path,
      [
        '{"type":"item","id":"v1","caption":"hello","hashtags":["hi"]}',
        '{"type":"user","id":"u1","features":{"age":"18-24"}}',
        '{"type":"event","userId":"u1","itemId":"v1","time":"2026-01-05T08:00:00Z","signals":{"click":1}}',
        '{"type":"event","userId":"u1","itemId":"v2","time":-5}',
        '{"type":"event","id":"e2","userId":"u2","itemId":"v1","time":1767600000000}',
      ].join('\n'),
    );
    const target = await freshStore();
    await expect(importData(target, path)).rejects.toThrow(
      /^Cannot parse line 4 of catalogue\.jsonl: field "time": .*got -5$/,
    );
    const summary = await importData(target, path, { skipBadRows: true });
    expect(summary).toMatchObject({ format: 'jsonl', items: 1, users: 1, events: 2 });
    expect(summary.reports[0]).toMatchObject({ rows: 4, skipped: 1 });
    expect(summary.reports[0]?.errors[0]).toMatch(/line 4 of catalogue\.jsonl/);
    await importData(target, path, { skipBadRows: true });
    expect(await target.counts()).toMatchObject({ items: 1, users: 2, events: 2 });
    expect(await target.getUser('u1')).toMatchObject({ features: { age: '18-24' } });
  });

  it('reports a bad row of a real format with its file and line', async () => {
    const folder = join(directory, 'broken-movielens');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(folder, { recursive: true });
    await writeFile(
      join(folder, 'ratings.csv'),
      'userId,movieId,rating,timestamp\n1,10,4.0,964982703\n1,20,abc,1\n',
    );
    const target = await freshStore();
    await expect(importData(target, folder)).rejects.toThrow(
      'Cannot parse line 3 of ratings.csv: field "rating": expected a number, got "abc"',
    );
    const summary = await importData(target, folder, { skipBadRows: true });
    expect(summary).toMatchObject({ format: 'movielens', events: 1 });
  });

  it('refuses the last row of a file cut mid-row, naming file and line, and keeps the others when skipping', async () => {
    const folder = join(directory, 'cut-movielens');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(folder, { recursive: true });
    // The copy stopped inside the last timestamp (964982703 -> 9649): no final newline.
    await writeFile(
      join(folder, 'ratings.csv'),
      'userId,movieId,rating,timestamp\n1,10,4.0,964982703\n1,20,3.5,964981247\n1,1580,3.0,9649',
    );
    const target = await freshStore();
    await expect(importData(target, folder)).rejects.toThrow(
      'Cannot parse line 4 of ratings.csv: the file ends without a newline, so its last row may be cut short',
    );
    const summary = await importData(target, folder, { skipBadRows: true });
    expect(summary).toMatchObject({ format: 'movielens', events: 2 });
    expect(summary.reports[0]).toMatchObject({ rows: 2, skipped: 1 });
    expect((await target.counts()).events).toBe(2);
  });

  it('draws progress per part, with the line count as total', async () => {
    const calls: string[] = [];
    const progress: Progress = {
      start: (label, total) => calls.push(`start ${label} ${total}`),
      update: (done) => calls.push(`update ${done}`),
      stop: () => calls.push('stop'),
    };
    await importData(await freshStore(), fixture('movielens'), { progress });
    expect(calls).toEqual([
      'start items movies.csv, tags.csv 9',
      'update 7',
      'stop',
      'start events ratings.csv 6',
      'update 5',
      'stop',
    ]);
  });

  it('says what it looked for when the format is unknown', async () => {
    const path = join(directory, 'notes.md');
    await writeFile(path, '# nothing to import\n');
    await expect(importData(await freshStore(), path)).rejects.toThrow(
      /Cannot detect the data format of .*notes\.md: looked for \.jsonl files and movielens: ratings\.csv/,
    );
  });
});
