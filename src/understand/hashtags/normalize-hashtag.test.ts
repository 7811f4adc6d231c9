import { describe, expect, it } from 'vitest';
import { normalizeHashtag } from './normalize-hashtag.js';
import { toSimplified } from './traditional-chinese.js';

describe('normalizeHashtag', () => {
  it('folds full-width letters and digits and lower-cases Latin', () => {
    expect(normalizeHashtag('ＮＢＡ２０２０')).toBe('nba2020');
    expect(normalizeHashtag('Lolita')).toBe(normalizeHashtag('LOLITA'));
  });

  it('drops #, spaces, punctuation and emoji', () => {
    expect(normalizeHashtag('#感谢快手我要上热门#')).toBe('感谢快手我要上热门');
    expect(normalizeHashtag(' 上热门！！🔥🔥 ')).toBe('上热门');
    expect(normalizeHashtag('王者荣耀·大乔')).toBe('王者荣耀大乔');
    expect(normalizeHashtag('😂😂')).toBe('');
  });

  it('maps common traditional characters to simplified ones', () => {
    expect(normalizeHashtag('快手舞團爭霸賽')).toBe('快手舞团争霸赛');
    expect(toSimplified('孤獨久了遇到幸福都會恐慌')).toBe('孤独久了遇到幸福都会恐慌');
  });

  it('cuts runs of three or more of one character to two, keeps doubles', () => {
    expect(normalizeHashtag('哈哈哈哈哈')).toBe('哈哈');
    expect(normalizeHashtag('哦哦哦')).toBe(normalizeHashtag('哦哦哦哦哦哦'));
    expect(normalizeHashtag('好好学习')).toBe('好好学习');
  });

  it('leaves an already clean tag unchanged', () => {
    for (const tag of ['搞笑', '2020高考季', '健身打卡', 'vlog']) expect(normalizeHashtag(tag)).toBe(tag);
  });
});
