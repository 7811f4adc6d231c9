import { segment } from './segmenter.js';

export type Emotion = 'joy' | 'love' | 'sadness' | 'anger' | 'fear' | 'surprise';

export interface EmotionReading {
  /** Emotions named by the text, most mentioned first; empty when none. */
  emotions: Emotion[];
  /** (positive - negative) / (positive + negative) over lexicon hits, in [-1, 1]; 0 without hits. */
  sentiment: number;
  polarity: 'positive' | 'negative' | 'neutral';
}

/**
 * A hand-written lexicon (Chinese words common in short-video captions, plus
 * English): each entry names an emotion, and the emotion's valence gives the
 * sentiment. Surprise has no valence. Lexicon-based on purpose: we have no
 * labelled emotion data to learn from, and a lexicon is inspectable.
 */
const LEXICON: Record<Emotion, string> = {
  joy: `开心 快乐 高兴 哈哈 哈哈哈 哈哈哈哈 笑 好笑 搞笑 欢乐 幸福 美好 愉快 好玩 有趣 棒 太棒了 厉害 赞 点赞 优秀 精彩
    满意 舒服 爽 过瘾 加油 成功 快乐 开心果 祝福 庆祝 恭喜 享受 治愈 可爱 漂亮 好看 美丽 帅 美 happy fun funny great
    awesome good nice cool lol haha enjoy amazing beautiful cute best win`,
  love: `爱 喜欢 爱你 宝贝 亲爱 心动 浪漫 甜蜜 温柔 温暖 感动 感恩 感谢 谢谢 珍惜 陪伴 守护 想你 思念 love like
    sweet warm thanks thank`,
  sadness: `难过 伤心 哭 哭了 泪 眼泪 泪目 心疼 遗憾 孤独 寂寞 失望 心酸 委屈 难受 痛苦 悲伤 心碎 可怜 累 绝望 后悔
    失去 离开 再见 想哭 破防 sad cry tears lonely miss sorry hurt pain`,
  anger: `生气 愤怒 气死 讨厌 可恶 恶心 骂 烦 烦死 无语 过分 垃圾 坑 滚 气人 离谱 angry hate annoying stupid worst`,
  fear: `害怕 恐怖 吓 吓人 吓死 可怕 担心 紧张 危险 慌 恐惧 惊悚 scary afraid fear horror danger`,
  surprise: `震惊 惊呆 惊艳 没想到 竟然 居然 天哪 天啊 神奇 不可思议 意外 惊喜 绝了 牛 wow omg surprise unbelievable`,
};

const VALENCE: Record<Emotion, number> = { joy: 1, love: 1, sadness: -1, anger: -1, fear: -1, surprise: 0 };

/** A negator right before an emotion word cancels it and flips its valence ("不开心"). */
const NEGATORS = new Set([
  '不',
  '没',
  '没有',
  '别',
  '不是',
  '不要',
  '不会',
  '不太',
  '不再',
  'not',
  'no',
  "don't",
  'never',
]);

const WORD_EMOTION = new Map<string, Emotion>();
for (const [emotion, words] of Object.entries(LEXICON) as [Emotion, string][]) {
  for (const word of words.split(/\s+/)) if (word !== '') WORD_EMOTION.set(word, emotion);
}

/**
 * Reads emotions and sentiment from text. Words are matched after jieba
 * segmentation; compounds jieba keeps whole ("不开心", "好开心") are split into a
 * leading negator or degree word and the rest.
 */
export function readEmotion(text: string): EmotionReading {
  const counts = new Map<Emotion, number>();
  let positive = 0;
  let negative = 0;
  let previous = '';
  for (const word of segment(text, { keepStopWords: true })) {
    let core = word;
    let negated = NEGATORS.has(previous);
    if (!WORD_EMOTION.has(core)) {
      // Compounds jieba keeps whole: a degree word ("好开心", "太难过") or a negator ("不开心") before a lexicon word.
      const degree = core.match(/^(超级|非常|特别|好|很|太|超|真|最)/u)?.[0];
      if (degree !== undefined && WORD_EMOTION.has(core.slice(degree.length)))
        core = core.slice(degree.length);
      else if (/^[不没]/u.test(core) && WORD_EMOTION.has(core.slice(1))) {
        core = core.slice(1);
        negated = true;
      }
    }
    previous = word;
    const emotion = WORD_EMOTION.get(core);
    if (emotion === undefined) continue;
    const valence = VALENCE[emotion] * (negated ? -1 : 1);
    if (valence > 0) positive++;
    if (valence < 0) negative++;
    if (!negated) counts.set(emotion, (counts.get(emotion) ?? 0) + 1);
  }
  const hits = positive + negative;
  const sentiment = hits === 0 ? 0 : (positive - negative) / hits;
  return {
    emotions: [...counts].sort((a, b) => b[1] - a[1]).map(([emotion]) => emotion),
    sentiment,
    polarity: sentiment > 0 ? 'positive' : sentiment < 0 ? 'negative' : 'neutral',
  };
}
