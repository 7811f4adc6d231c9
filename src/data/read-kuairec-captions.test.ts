import { describe, expect, it } from 'vitest';
import { readKuaiRecCaptions } from './read-kuairec-captions.js';
import { collect, fixture } from './test-support/collect.js';
import { describeMalformedCsv } from './test-support/malformed-csv.js';
import { useTempDir } from './test-support/temp-dir.js';

const HEADER =
  'video_id,manual_cover_text,caption,topic_tag,first_level_category_id,first_level_category_name,second_level_category_id,second_level_category_name,third_level_category_id,third_level_category_name';
const temp = useTempDir();

describe('readKuaiRecCaptions', () => {
  it('reads captions, cover text, hashtags and the category path without absent levels', async () => {
    const items = await collect(readKuaiRecCaptions(fixture('kuairec', 'kuairec_caption_category.csv')));
    expect(items).toEqual([
      { id: '101', text: '今天天气不错', categories: ['颜值', '颜值随拍'], categoryIds: ['8', '673'] },
      {
        id: '102',
        coverText: '今日份快乐',
        text: '第一行字幕\n第二行，带逗号, 还有"引号"',
        hashtags: ['快乐', '日常'],
        categories: ['喜剧', '搞笑互动', '情景短剧'],
        categoryIds: ['9', '727', '2001'],
      },
      { id: '103', hashtags: ['高清视频'] },
      {
        id: '104',
        coverText: '封面文字',
        text: '带回车的标题\r！',
        categories: ['高新数码'],
        categoryIds: ['27'],
      },
    ]);
  });

  it('parses when stream chunks cut Chinese characters in half', async () => {
    const expected = await collect(readKuaiRecCaptions(fixture('kuairec', 'kuairec_caption_category.csv')));
    for (const chunkSize of [1, 2, 3, 5, 16]) {
      const items = await collect(
        readKuaiRecCaptions(fixture('kuairec', 'kuairec_caption_category.csv'), { chunkSize }),
      );
      expect(items).toEqual(expected);
    }
  });

  it('names the line where a multi-line caption row goes wrong', async () => {
    const path = await temp.write(
      'kuairec_caption_category.csv',
      `${HEADER}\n1,UNKNOWN,"两行\n字幕",[],8,颜值,-124,UNKNOWN,-124,UNKNOWN\n2,UNKNOWN,好,[a,b],8,颜值,-124,UNKNOWN,-124,UNKNOWN\n`,
    );
    await expect(collect(readKuaiRecCaptions(path))).rejects.toThrow(
      'Cannot parse line 4 of kuairec_caption_category.csv: expected 10 fields, got 11',
    );
  });
});

describeMalformedCsv({
  file: 'kuairec_caption_category.csv',
  read: readKuaiRecCaptions,
  header: HEADER,
  required: HEADER.split(','),
  row: '7,UNKNOWN,字幕,[],8,颜值,673,颜值随拍,-124,UNKNOWN',
  badValue: {
    row: '7,UNKNOWN,字幕,[],八,颜值,673,颜值随拍,-124,UNKNOWN',
    message: 'field "first_level_category_id": expected an integer, got "八"',
  },
});
