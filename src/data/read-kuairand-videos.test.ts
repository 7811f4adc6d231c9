import { describe, expect, it } from 'vitest';
import { readKuaiRandVideos } from './read-kuairand-videos.js';
import { collect, fixture } from './test-support/collect.js';
import { describeMalformedCsv } from './test-support/malformed-csv.js';

const HEADER =
  'video_id,author_id,video_type,upload_dt,upload_type,visible_status,video_duration,server_width,server_height,music_id,music_type,tag';

describe('readKuaiRandVideos', () => {
  it('reads author, duration, upload day (Beijing) and tags, allowing the empty fields of the real file', async () => {
    expect(await collect(readKuaiRandVideos(fixture('kuairand', 'video_features_basic_pure.csv')))).toEqual([
      {
        id: '10',
        author: '5001',
        durationMs: 19957,
        uploadTime: Date.UTC(2022, 3, 5) / 1000 - 8 * 3600,
        tags: ['39'],
      },
      { id: '11', author: '5002', uploadTime: Date.UTC(2022, 3, 6) / 1000 - 8 * 3600, tags: ['39', '68'] },
      { id: '12', author: '5001', durationMs: 8000, uploadTime: Date.UTC(2022, 3, 7) / 1000 - 8 * 3600 },
    ]);
  });
});

describeMalformedCsv({
  file: 'video_features_basic_pure.csv',
  read: readKuaiRandVideos,
  header: HEADER,
  required: HEADER.split(','),
  row: '10,5001,NORMAL,2022-04-05,ShortImport,0.0,19957.0,720.0,1280.0,7012345678,9.0,39',
  badValue: {
    row: '10,5001,NORMAL,2022-04-05,ShortImport,0.0,19957.0,720.0,1280.0,7012345678,9.0,"39,x"',
    message: 'field "tag": expected a list like 1,2: expected an integer in the list, got "39,x"',
  },
});
