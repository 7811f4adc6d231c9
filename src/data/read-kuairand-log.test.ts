import { describe, expect, it } from 'vitest';
import { readKuaiRandLog } from './read-kuairand-log.js';
import { collect, fixture } from './test-support/collect.js';
import { describeMalformedCsv } from './test-support/malformed-csv.js';

const HEADER =
  'user_id,video_id,date,hourmin,time_ms,is_click,is_like,is_follow,is_comment,is_forward,is_hate,long_view,play_time_ms,duration_ms,profile_stay_time,comment_stay_time,is_profile_enter,is_rand,tab';

describe('readKuaiRandLog', () => {
  it('reads all 12 signals, the time in seconds, randomness and tab', async () => {
    const interactions = await collect(
      readKuaiRandLog(fixture('kuairand', 'log_standard_4_08_to_4_21_pure.csv')),
    );
    expect(interactions).toHaveLength(3);
    expect(interactions[2]).toEqual({
      user: '1',
      item: '10',
      time: 1649509200.5,
      watchTimeMs: 40001,
      durationMs: 19957,
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
      isRandom: false,
      tab: 4,
    });
    expect(interactions[1]?.signals).toMatchObject({ click: 0, hate: 1 });
  });

  it('marks randomly exposed items', async () => {
    const [random] = await collect(readKuaiRandLog(fixture('kuairand', 'log_random_4_22_to_5_08_pure.csv')));
    expect(random).toMatchObject({ isRandom: true, tab: 2 });
  });
});

describeMalformedCsv({
  file: 'log_standard_4_08_to_4_21_pure.csv',
  read: readKuaiRandLog,
  header: HEADER,
  required: HEADER.split(','),
  row: '0,10,20220408,1000,1649383462964,1,0,0,0,0,0,1,25430,19957,0,0,0,0,1',
  badValue: {
    row: '0,10,20220408,1000,1649383462964,2,0,0,0,0,0,1,25430,19957,0,0,0,0,1',
    message: 'field "is_click": expected 0 or 1, got "2"',
  },
});
