import { describe, expect, it } from 'vitest';
import type { Item } from '../../data/index.js';
import { HashtagCorpus } from './hashtag-corpus.js';
import { mergeSynonyms } from './synonym-merge.js';

/** A small hand-made corpus: spelling variants, a word-order variant with a shared context, and near-misses. */
function fixtureCorpus(): HashtagCorpus {
  const items: Item[] = [];
  const add = (hashtags: string[], categories: string[], count = 1) => {
    for (let k = 0; k < count; k++) items.push({ id: String(items.length), hashtags, categories });
  };
  add(['感谢快手我要上热门', '搞笑'], ['喜剧'], 5);
  add(['感谢快手我要热门'], ['美食'], 2);
  add(['感謝快手我要上熱門'], ['美食']);
  add(['变瘦变美变好看', '健身打卡'], ['健身'], 4);
  add(['变美变瘦变好看', '健身打卡'], ['健身'], 2);
  add(['瘦腿', '健身打卡'], ['健身'], 2);
  add(['瘦臀', '健身打卡'], ['健身']);
  add(['今天拍点啥'], ['生活'], 3);
  add(['今天吃什么'], ['美食']);
  add(['秋款上新'], ['时尚'], 2);
  add(['春款上新'], ['时尚']);
  return HashtagCorpus.fromItems(items);
}

describe('mergeSynonyms', () => {
  const { canonical, groups } = mergeSynonyms(fixtureCorpus());

  it('merges spelling variants into the most used form', () => {
    expect(canonical.get('感谢快手我要热门')).toBe('感谢快手我要上热门');
    // Traditional characters were already folded by normalisation: the same key.
    expect(canonical.get('感谢快手我要上热门')).toBe('感谢快手我要上热门');
  });

  it('merges a word-order variant only because the contexts agree', () => {
    expect(canonical.get('变美变瘦变好看')).toBe('变瘦变美变好看');
    const strict = mergeSynonyms(fixtureCorpus(), { contextThreshold: 1.01 });
    expect(strict.canonical.get('变美变瘦变好看')).toBe('变美变瘦变好看');
  });

  it('keeps short near-misses and different meanings apart', () => {
    expect(canonical.get('瘦臀')).toBe('瘦臀');
    expect(canonical.get('今天吃什么')).toBe('今天吃什么');
    expect(canonical.get('春款上新')).toBe('春款上新');
  });

  it('lists each group representative first', () => {
    for (const group of groups) for (const tag of group) expect(canonical.get(tag)).toBe(group[0]);
    expect(groups.length).toBe(2);
  });
});
