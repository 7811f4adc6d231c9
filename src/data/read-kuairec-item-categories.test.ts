import { describe, expect, it } from 'vitest';
import { readKuaiRecItemCategories } from './read-kuairec-item-categories.js';
import { collect, fixture } from './test-support/collect.js';
import { describeMalformedCsv } from './test-support/malformed-csv.js';

describe('readKuaiRecItemCategories', () => {
  it('reads the category id lists, quoted or not', async () => {
    expect(await collect(readKuaiRecItemCategories(fixture('kuairec', 'item_categories.csv')))).toEqual([
      { id: '101', categoryIds: ['8'] },
      { id: '102', categoryIds: ['9', '27'] },
      { id: '103', categoryIds: [] },
      { id: '104', categoryIds: ['27'] },
    ]);
  });
});

describeMalformedCsv({
  file: 'item_categories.csv',
  read: readKuaiRecItemCategories,
  header: 'video_id,feat',
  required: ['video_id', 'feat'],
  row: '1,[27]',
  badValue: {
    row: '1,"[27, x]"',
    message: 'field "feat": expected a list like [1,2]: expected an integer in the list, got "[27, x]"',
  },
});
