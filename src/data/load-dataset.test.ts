import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, NotFoundError } from '../core/index.js';
import { loadDataset } from './load-dataset.js';
import { fixture, rejection } from './test-support/collect.js';
import { useTempDir } from './test-support/temp-dir.js';
import type { ReadReport } from './types.js';

const temp = useTempDir();

describe('loadDataset', () => {
  it('detects sequences and attaches the item attributes beside them', async () => {
    const dataset = await loadDataset(fixture('sequences'));
    expect(dataset).toMatchObject({ name: 'sequences', format: 'sequences' });
    expect(dataset.positiveThreshold).toBeUndefined();
    expect(dataset.part).toBeUndefined();
    expect(dataset.interactions.length).toBe(11);
    expect(dataset.interactions.users.size).toBe(4);
    expect(dataset.items.get('5')).toEqual({ id: '5', tags: ['5', '2'] });
    expect(dataset.interactions.sequences()[1]?.length).toBe(4);
  });

  it('loads a sequences file given directly, named after it', async () => {
    const dataset = await loadDataset(fixture('sequences', 'Beauty.txt'));
    expect(dataset).toMatchObject({ name: 'Beauty', format: 'sequences' });
    expect(dataset.items.size).toBe(5);
  });

  it('follows symlinked files of a folder assembled from links', async () => {
    const folder = temp.path('linked');
    await mkdir(folder);
    for (const name of ['Beauty.txt', 'Beauty_item2attributes.json'])
      await symlink(fixture('sequences', name), join(folder, name));
    const dataset = await loadDataset(join(folder, 'Beauty.txt'));
    expect(dataset.items.size).toBe(5);
  });

  it('detects KuaiRec and prefers the shipped splits, with their part column', async () => {
    const dataset = await loadDataset(fixture('kuairec'));
    expect(dataset).toMatchObject({ name: 'kuairec', format: 'kuairec', positiveThreshold: 1 });
    expect(dataset.interactions.length).toBe(9);
    expect(Array.from(dataset.part ?? [])).toEqual([0, 0, 0, 0, 1, 1, 2, 2, 2]);
    expect(Array.from(dataset.interactions.label)).toEqual([1, 0, 1, 0, 0, 1, 1, 0, 0]);
    // The splits re-index ids, so the caption and user files do not apply.
    expect(dataset.items.size).toBe(0);
    expect(dataset.users.size).toBe(0);
  });

  it('loads an official KuaiRec matrix with items and users when asked', async () => {
    const dataset = await loadDataset(fixture('kuairec'), { kuairecMatrix: 'small' });
    expect(dataset.positiveThreshold).toBe(2);
    expect(dataset.part).toBeUndefined();
    expect(dataset.interactions.length).toBe(5);
    expect(dataset.interactions.label[1]).toBeCloseTo(2.25);
    expect(dataset.items.get('102')).toMatchObject({
      categories: ['喜剧', '搞笑互动', '情景短剧'],
      categoryIds: ['9', '727', '2001'],
      tags: ['9', '27'],
    });
    expect(dataset.users.get('21')?.features?.user_active_degree).toBe('full_active');

    const big = await loadDataset(fixture('kuairec', 'big_matrix.csv'));
    expect(big).toMatchObject({ format: 'kuairec', name: 'big_matrix', positiveThreshold: 2 });
    expect(big.interactions.length).toBe(3);
  });

  it('detects KuaiRand: standard logs in order, labelled by click, with videos and users', async () => {
    const dataset = await loadDataset(fixture('kuairand'));
    expect(dataset).toMatchObject({ name: 'kuairand', format: 'kuairand', positiveThreshold: 1 });
    // log_random_* is left out: only the standard-policy logs.
    expect(dataset.interactions.length).toBe(4);
    expect(Array.from(dataset.interactions.label)).toEqual([1, 0, 1, 1]);
    expect(dataset.interactions.time[3]).toBe(1650848400);
    expect(dataset.items.get('11')?.tags).toEqual(['39', '68']);
    expect(dataset.users.size).toBe(2);
  });

  it('loads a single KuaiRand log given directly, random ones included', async () => {
    const dataset = await loadDataset(fixture('kuairand', 'log_random_4_22_to_5_08_pure.csv'));
    expect(dataset.interactions.length).toBe(1);
  });

  it('detects MovieLens with movies and tags folded into items', async () => {
    const reports: ReadReport[] = [];
    const dataset = await loadDataset(fixture('movielens'), { reports });
    expect(dataset).toMatchObject({ name: 'movielens', format: 'movielens' });
    expect(dataset.interactions.length).toBe(5);
    expect(dataset.interactions.label[3]).toBe(0.5);
    expect(dataset.items.get('10')).toEqual({
      id: '10',
      title: 'Toy Tale (1995)',
      categories: ['Adventure', 'Animation', 'Children'],
      tags: ['funny', 'dark, moody'],
    });
    expect(reports.map((report) => [report.file.split('/').pop(), report.rows])).toEqual([
      ['ratings.csv', 5],
      ['movies.csv', 3],
      ['tags.csv', 4],
    ]);
  });

  it('skips bad rows across files when asked, reporting each file', async () => {
    await mkdir(temp.path('ml'));
    await temp.write('ml/ratings.csv', 'userId,movieId,rating,timestamp\n1,2,4.0,10\n1,3,bad,11\n');
    const reports: ReadReport[] = [];
    const dataset = await loadDataset(temp.path('ml'), { skipBadRows: true, reports });
    expect(dataset.interactions.length).toBe(1);
    expect(reports[0]).toMatchObject({ rows: 1, skipped: 1 });
  });

  it('fails clearly on a folder it does not recognise', async () => {
    await mkdir(temp.path('unknown'));
    await temp.write('unknown/notes.csv', 'a,b\n1,2\n');
    await temp.write('unknown/LICENSE.txt', 'MIT License\n\nCopyright (c) someone\n');
    const error = await rejection(loadDataset(temp.path('unknown')));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toBe(
      `Cannot detect the data format of ${temp.path('unknown')}: looked for ` +
        'movielens: ratings.csv; ' +
        'kuairec: small_matrix_{train,valid,test}.txt, small_matrix.csv, big_matrix.csv or kuairec_caption_category.csv; ' +
        'kuairand: log_*.csv or video_features_basic*.csv; ' +
        'sequences: a .txt file (or a folder with exactly one) of space-separated "user item item ..." lines',
    );
  });

  it('fails clearly when a detected format lacks its interactions', async () => {
    await mkdir(temp.path('kuairand-videos-only'));
    await temp.write(
      'kuairand-videos-only/video_features_basic_pure.csv',
      'video_id,author_id,video_type,upload_dt,upload_type,visible_status,video_duration,server_width,server_height,music_id,music_type,tag\n',
    );
    const error = await rejection(loadDataset(temp.path('kuairand-videos-only')));
    expect(error.message).toBe(
      `Cannot load ${temp.path('kuairand-videos-only')} as KuaiRand: no interaction log (log_standard_*.csv) in ${temp.path('kuairand-videos-only')}`,
    );
  });

  it('rejects a missing path, an unknown format and a missing KuaiRec matrix', async () => {
    expect(await rejection(loadDataset(temp.path('absent')))).toBeInstanceOf(NotFoundError);
    const unknown = await rejection(loadDataset(fixture('movielens'), { format: 'csv' as never }));
    expect(unknown.message).toBe(
      'Unknown data format "csv" (known: movielens, kuairec, kuairand, sequences)',
    );
    await mkdir(temp.path('kuairec-splits'));
    await temp.write('kuairec-splits/small_matrix_train.txt', '0 0 1.00\n');
    const missing = await rejection(loadDataset(temp.path('kuairec-splits')));
    expect(missing.message).toBe(
      `Cannot load ${temp.path('kuairec-splits')} as KuaiRec: missing small_matrix_valid.txt, small_matrix_test.txt in ${temp.path('kuairec-splits')}`,
    );
  });

  it('uses an explicit format without detection', async () => {
    const dataset = await loadDataset(fixture('kuairec', 'small_matrix_train.txt'), { format: 'sequences' });
    expect(dataset.format).toBe('sequences');
    expect(dataset.interactions.length).toBe(8);
  });
});
