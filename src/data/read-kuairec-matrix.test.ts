import { describe, expect, it } from 'vitest';
import { readKuaiRecMatrix } from './read-kuairec-matrix.js';
import { collect, fixture } from './test-support/collect.js';
import { describeMalformedCsv } from './test-support/malformed-csv.js';

const HEADER = 'user_id,video_id,play_duration,video_duration,time,date,timestamp,watch_ratio';
const BEIJING = 8 * 3600;

describe('readKuaiRecMatrix', () => {
  it('reads watch ratio, durations and the time from whichever column has it', async () => {
    const interactions = await collect(readKuaiRecMatrix(fixture('kuairec', 'small_matrix.csv')));
    expect(interactions).toEqual([
      { user: '14', item: '101', label: 0.731429, watchTimeMs: 5120, durationMs: 7000, time: 1593998130.25 },
      { user: '14', item: '102', label: 2.25, watchTimeMs: 18000, durationMs: 8000, time: 1593998162.125 },
      { user: '21', item: '101', label: 1.857143, watchTimeMs: 13000, durationMs: 7000 },
      {
        user: '21',
        item: '103',
        label: 0.3,
        watchTimeMs: 3000,
        durationMs: 10000,
        time: Date.UTC(2020, 6, 7, 12) / 1000 - BEIJING,
      },
      {
        user: '35',
        item: '102',
        label: 1,
        watchTimeMs: 8000,
        durationMs: 8000,
        time: Date.UTC(2020, 6, 8) / 1000 - BEIJING,
      },
    ]);
  });

  it('agrees with the timestamp column when parsing the Beijing-time `time` column', async () => {
    const [first] = await collect(readKuaiRecMatrix(fixture('kuairec', 'small_matrix.csv')));
    expect(first?.time).toBeCloseTo(Date.UTC(2020, 6, 6, 9, 15, 30, 250) / 1000 - BEIJING, 6);
  });
});

describeMalformedCsv({
  file: 'small_matrix.csv',
  read: readKuaiRecMatrix,
  header: HEADER,
  required: HEADER.split(','),
  row: '14,101,5120,7000,2020-07-06 09:15:30.250,20200706.0,1593998130.250,0.731429',
  badValue: {
    row: '14,101,5120,7000,2020-07-06 09:15:30.250,20200706.0,1593998130.250,abc',
    message: 'field "watch_ratio": expected a number, got "abc"',
  },
});
