import { describe, expect, it } from 'vitest';
import { auc } from '../reward/index.js';
import { EngagementPredictor, type LabelledDraft } from './engagement-predictor.js';
import { hashFeatures } from './title-features.js';
import { type EngagedCaption, TitleMiner, withoutPromotionalHashtags } from './title-miner.js';
import { trainTitleSuggester } from './title-suggester.js';

const corpus: EngagedCaption[] = [
  {
    itemId: 'c1',
    caption: '我家小猫咪第一次洗澡',
    hashtags: ['萌宠'],
    categories: ['宠物', '猫'],
    engagement: 900,
  },
  {
    itemId: 'c2',
    caption: '小猫咪和狗狗抢饭吃',
    hashtags: ['萌宠'],
    categories: ['宠物', '猫'],
    engagement: 800,
  },
  { itemId: 'c3', caption: '猫咪睡觉打呼噜', categories: ['宠物', '猫'], engagement: 700 },
  { itemId: 'c4', caption: '今天的股票大涨了', categories: ['财经'], engagement: 950 },
  { itemId: 'c5', caption: '教你做红烧肉', categories: ['美食'], engagement: 850 },
  { itemId: 'c6', caption: '小猫咪无聊的一天', categories: ['宠物', '猫'], engagement: 3 },
  { itemId: 'c7', caption: '猫咪', categories: ['宠物', '猫'], engagement: 2 },
  { itemId: 'c8', caption: '随便拍拍', categories: ['生活'], engagement: 1 },
];

describe('TitleMiner', () => {
  it('returns high-engagement captions of similar content', () => {
    const miner = new TitleMiner(corpus, { minQuantile: 0.25 });
    expect(miner.size).toBe(6);
    const titles = miner.mine({ caption: '小猫咪玩毛线球', categories: ['宠物', '猫'] }, 3);
    expect(titles.map((title) => title.itemId).sort()).toEqual(['c1', 'c2', 'c3']);
    for (const title of titles) {
      expect(title.source).toBe('mined');
      expect(title.similarity).toBeGreaterThan(0);
    }
    const food = miner.mine({ caption: '红烧肉的做法', categories: ['美食'] }, 1);
    expect(food[0]!.itemId).toBe('c5');
    expect(() => miner.mine({ caption: 'x' }, 0)).toThrow(/count 0/);
  });
});

/** Drafts whose engagement depends on one word: "教程" (tutorial) ones engage, "日常" (diary) ones do not. */
function fixture(count: number, offset: number): LabelledDraft[] {
  const topics = ['猫咪', '美食', '旅行', '健身', '数码']; // an odd count, so topic and label are independent
  return Array.from({ length: count }, (_, k) => {
    const i = k + offset;
    const high = i % 2 === 0;
    const topic = topics[i % topics.length]!;
    const filler = '的'.repeat(i % 5);
    return {
      draft: { caption: `${topic}${filler}${high ? '教程' : '日常'}第${i % 7}集`, categories: [topic] },
      label: high ? 1 : 0,
    };
  });
}

describe('EngagementPredictor', () => {
  it('learns a word that decides engagement; the length and category baselines cannot', () => {
    const train = fixture(240, 0);
    const test = fixture(120, 1000);
    const score = (predictor: EngagementPredictor) =>
      auc(
        test.map((example) => predictor.predict(example.draft)),
        test.map((example) => example.label),
      );
    const full = EngagementPredictor.train(train, { buckets: 4096, epochs: 40 });
    expect(score(full)).toBeGreaterThan(0.95);
    const lengthOnly = EngagementPredictor.train(train, { buckets: 4096, epochs: 6, featureSet: 'length' });
    expect(score(lengthOnly)).toBeLessThan(0.7);
    const categoryPrior = EngagementPredictor.train(train, {
      buckets: 4096,
      epochs: 6,
      featureSet: 'category',
    });
    expect(score(categoryPrior)).toBeLessThan(0.7);
    const tutorial = full.predict({ caption: '数码教程第3集', categories: ['数码'] });
    expect(tutorial).toBeGreaterThan(full.predict({ caption: '数码日常第3集', categories: ['数码'] }) + 0.3);
  });

  it('keeps the epoch with the best validation AUC and is reproducible', () => {
    const train = fixture(120, 0);
    const validation = fixture(60, 500);
    const a = EngagementPredictor.train(train, { buckets: 1024, epochs: 3, validation });
    const b = EngagementPredictor.train(train, { buckets: 1024, epochs: 3, validation });
    expect(a.bestEpoch).toBeGreaterThanOrEqual(1);
    expect(a.validationAuc).toBeGreaterThan(0.9);
    expect([...a.weights]).toEqual([...b.weights]);
    expect(() => EngagementPredictor.train([])).toThrow(/no training examples/);
  });

  it('hashes feature groups apart: the baselines see only their group', () => {
    const draft = { caption: '猫咪教程', hashtags: ['#萌宠'], categories: ['宠物'] };
    const full = hashFeatures(draft, 1 << 20, 'full');
    const category = hashFeatures(draft, 1 << 20, 'category');
    const length = hashFeatures(draft, 1 << 20, 'length');
    expect(category.ids.length).toBe(2); // the category and the bias
    expect(length.ids.length).toBe(4); // characters, words, hashtag count, bias
    expect(full.ids.length).toBeGreaterThan(category.ids.length + length.ids.length);
  });
});

describe('withoutPromotionalHashtags', () => {
  it('drops traffic-begging hashtags and keeps content ones', () => {
    expect(withoutPromotionalHashtags('疼死我了#萌宠 #猫咪 #感谢快手我要上热门')).toBe('疼死我了#萌宠 #猫咪');
    expect(withoutPromotionalHashtags('#上热门 #求关注')).toBe('');
  });
});

describe('trainTitleSuggester', () => {
  it('measures engagement from events, trains the predictor and mines from the captioned items', () => {
    const items = [
      { id: 'a', caption: '猫咪教程第一集', categories: ['宠物'] },
      { id: 'b', caption: '猫咪日常', categories: ['宠物'] },
      { id: 'c', caption: '美食教程', categories: ['美食'] },
      { id: 'd', caption: '美食日常', categories: ['美食'] },
      { id: 'e', categories: ['美食'] },
    ];
    const events = ['a', 'a', 'a', 'a', 'b', 'c', 'd', 'e'].map((itemId, k) => ({
      userId: `u${k}`,
      itemId,
      time: k,
    }));
    const suggester = trainTitleSuggester(events, items, { epochs: 2 });
    expect(suggester.corpus.map((caption) => [caption.itemId, caption.engagement])).toEqual([
      ['a', 4],
      ['b', 1],
      ['c', 1],
      ['d', 1],
    ]);
    expect(suggester.predictor).toBeDefined();
    const titles = suggester.miner.mine({ caption: '猫咪教程', categories: ['宠物'] }, 1);
    expect(titles[0]!.itemId).toBe('a');
    expect(() => trainTitleSuggester([], items)).toThrow(/no item has both a caption and events/);
  });
});
