import { describe, expect, it } from 'vitest';
import { readEmotion } from './emotion.js';
import { textFeatures } from './features.js';
import { KeywordExtractor } from './keywords.js';
import { detectLanguage } from './language.js';
import { segment, tagWords } from './segmenter.js';

describe('segment', () => {
  it('splits Chinese into dictionary words and drops stop words and punctuation', () => {
    expect(segment('我平淡无奇，惊艳不了时光')).toEqual(['平淡无奇', '惊艳', '不了', '时光']);
    expect(segment('今天去打篮球了！')).toEqual(['今天', '去', '打篮球']);
  });

  it('keeps stop words when asked', () => {
    expect(segment('我的猫', { keepStopWords: true })).toEqual(['我', '的', '猫']);
  });

  it('lower-cases English, folds full-width letters, and splits mixed text', () => {
    expect(segment('Hello World 我爱ＡＩ生成的视频')).toEqual(['hello', 'world', '爱', 'ai', '生成', '视频']);
  });

  it('tags parts of speech', () => {
    const tagged = tagWords('今天很开心去打篮球');
    expect(tagged.find((t) => t.word === '打篮球')?.tag).toBe('n');
    expect(tagged.find((t) => t.word === '开心')?.tag).toBe('v');
  });
});

describe('detectLanguage', () => {
  it.each([
    ['今天天气很好，我们去公园散步', 'zh'],
    ['What a beautiful day in the park', 'en'],
    ['今天的vlog来啦 daily life with my cat', 'mixed'],
    ['今日はいい天気ですね', 'other'],
    ['Привет, как дела', 'other'],
    ['12345 !!!', 'other'],
    ['', 'other'],
    ['抖音同款BGM舞蹈教学', 'zh'],
  ])('%s -> %s', (text, language) => {
    expect(detectLanguage(text)).toBe(language);
  });
});

describe('KeywordExtractor', () => {
  it('ranks words rare in the catalogue above words every document has', () => {
    const catalogue = [
      ['视频', '搞笑', '日常'],
      ['视频', '美食', '教程'],
      ['视频', '篮球', '日常'],
      ['视频', '美食', '日常'],
    ];
    const extractor = new KeywordExtractor().fit(catalogue);
    const keywords = extractor.extract(['视频', '篮球', '日常'], 3).map((k) => k.keyword);
    expect(keywords).toEqual(['篮球', '日常', '视频']);
    expect(extractor.idf('从未见过')).toBeGreaterThan(extractor.idf('篮球'));
  });

  it('skips single Han characters and bare numbers', () => {
    const extractor = new KeywordExtractor().fit([['猫', '2024', '小猫咪']]);
    expect(extractor.extract(['猫', '2024', '小猫咪']).map((k) => k.keyword)).toEqual(['小猫咪']);
  });
});

describe('readEmotion', () => {
  it('names emotions and scores sentiment', () => {
    const happy = readEmotion('今天好开心，哈哈哈，太棒了');
    expect(happy.emotions[0]).toBe('joy');
    expect(happy.polarity).toBe('positive');
    const sad = readEmotion('看完哭了，好心疼');
    expect(sad.emotions).toContain('sadness');
    expect(sad.polarity).toBe('negative');
    expect(readEmotion('这是一张桌子').polarity).toBe('neutral');
  });

  it('flips negated emotion words', () => {
    const reading = readEmotion('我不开心');
    expect(reading.polarity).toBe('negative');
    expect(reading.emotions).not.toContain('joy');
  });

  // Hand-labelled sentences written for this check (not used to build the lexicon's word list).
  const labelled: [string, 'positive' | 'negative' | 'neutral'][] = [
    ['和家人在一起真幸福', 'positive'],
    ['这道菜太好吃了，超级满意', 'positive'],
    ['宝宝笑得好可爱', 'positive'],
    ['谢谢大家的支持，爱你们', 'positive'],
    ['终于成功了，恭喜自己', 'positive'],
    ['这个舞蹈好好看', 'positive'],
    ['I love this song, so happy', 'positive'],
    ['失去你以后好孤独', 'negative'],
    ['被骗了，气死我了', 'negative'],
    ['半夜听到声音好害怕', 'negative'],
    ['太失望了，再也不来了', 'negative'],
    ['工作一天好累，心酸', 'negative'],
    ['这服务真垃圾', 'negative'],
    ['so sad, I miss you', 'negative'],
    ['今天去超市买菜', 'neutral'],
    ['手机壳的安装方法', 'neutral'],
    ['下午三点开会', 'neutral'],
    ['新款上衣到货', 'neutral'],
  ];

  it('gets at least 15 of 18 hand-labelled sentences right', () => {
    const correct = labelled.filter(([text, polarity]) => readEmotion(text).polarity === polarity).length;
    expect(correct).toBeGreaterThanOrEqual(15);
  });
});

describe('textFeatures', () => {
  it('emits words, bigrams, Han n-grams and whole hashtags', () => {
    const features = textFeatures({ caption: '打篮球', hashtags: ['NBA'] }, { charNgrams: [2] });
    expect(features).toEqual(expect.arrayContaining(['w:打篮球', 'c:打篮', 'c:篮球', 'w:nba', 'h:nba']));
    expect(features.some((feature) => feature.startsWith('c:') && [...feature].length !== 4)).toBe(false);
  });

  it('gives a video without text the feature `empty`', () => {
    expect(textFeatures({})).toEqual(['empty']);
  });
});
