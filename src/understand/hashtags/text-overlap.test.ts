import { describe, expect, it } from 'vitest';
import { characterOverlap, editDistance, editSimilarity } from './text-overlap.js';

describe('text overlap', () => {
  it('computes Levenshtein distance over code points', () => {
    expect(editDistance('感谢快手我要上热门', '感谢快手我要热门')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', '快手')).toBe(2);
    expect(editDistance('🔥a', 'a')).toBe(1);
    expect(editSimilarity('瘦腿', '瘦臀')).toBe(0.5);
  });

  it('measures how much of a tag the caption spells out', () => {
    expect(characterOverlap('广场舞', '今天的广场舞真好看')).toBe(1);
    expect(characterOverlap('去旅行', '动物世界 三个家伙抢宝抱')).toBe(0);
    expect(characterOverlap('狗', '男子偷走一条狗')).toBe(1);
    expect(characterOverlap('旅行推荐', '这次旅行')).toBeCloseTo(1 / 3);
  });
});
