import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../core/index.js';
import type { Item } from '../../data/index.js';
import { cleanHashtags } from './clean-hashtags.js';
import { crossValidateHashtags } from './cross-validate-hashtags.js';
import { HashtagClassifier } from './hashtag-classifier.js';
import { HashtagCorpus } from './hashtag-corpus.js';
import type { LabelledHashtag } from './hashtag-label.js';
import { loadHashtagCorpus } from './load-hashtag-corpus.js';
import { readHashtagLabels } from './read-hashtag-labels.js';

const LABELS = fileURLToPath(new URL('../../../fixtures/hashtags/labels.csv', import.meta.url));
/** The shared public data sets (see ../shared/data/README.md); GENFEED_DATA points elsewhere. */
const DATA = process.env.GENFEED_DATA ?? fileURLToPath(new URL('../../../../shared/data', import.meta.url));
const CAPTIONS = join(DATA, 'kuairec', 'kuairec_caption_category.csv');

/** A hand-made catalogue: promotional tags on every topic, topical tags on their own topic and one stray. */
function toyCatalogue(): { items: Item[]; labels: LabelledHashtag[] } {
  const topics = [
    { category: '美食', tag: '美食教程', caption: '今天教大家做红烧肉 美食教程' },
    { category: '健身', tag: '健身打卡', caption: '每天健身打卡 瘦腰动作' },
    { category: '宠物', tag: '萌宠', caption: '我家萌宠猫咪太可爱了' },
    { category: '旅游', tag: '旅行', caption: '去云南旅行 看风景' },
  ];
  const items: Item[] = [];
  const labels: LabelledHashtag[] = [];
  for (let k = 0; k < 80; k++) {
    const topic = topics[k % topics.length]!;
    const stray = topics[(k + 1) % topics.length]!;
    const hashtags = [topic.tag, k % 2 === 0 ? '感谢快手我要上热门' : '作品推广'];
    if (k % 5 === 0) hashtags.push(stray.tag);
    const id = String(k);
    items.push({
      id,
      text: `${topic.caption} #${hashtags.join(' #')}`,
      hashtags,
      categories: [topic.category],
    });
    labels.push({ hashtag: topic.tag, videoId: id, label: 'content' });
    labels.push({ hashtag: hashtags[1]!, videoId: id, label: 'promotional' });
    if (k % 5 === 0) labels.push({ hashtag: stray.tag, videoId: id, label: 'unrelated' });
  }
  return { items, labels };
}

describe('HashtagClassifier', () => {
  it('learns the three classes of a hand-made catalogue and cleans a new upload', () => {
    const { items, labels } = toyCatalogue();
    const corpus = HashtagCorpus.fromItems(items);
    const classifier = HashtagClassifier.train(corpus, labels);
    const cleaned = cleanHashtags(
      {
        id: 'new',
        text: '红烧肉的做法 #美食教程 #上热门 #健身打卡',
        hashtags: ['美食教程', '上热门!!', '健身打卡'],
        categories: ['美食'],
      },
      { corpus, classifier },
    );
    expect(cleaned.hashtags.map((tag) => tag.label)).toEqual(['content', 'promotional', 'unrelated']);
    expect(cleaned.topics).toEqual(['美食教程']);
    // The saved state restores the same model.
    const restored = new HashtagClassifier(JSON.parse(JSON.stringify(classifier.toJSON())));
    const document = corpus.document('0')!;
    expect(restored.classify(corpus, '美食教程', document)).toEqual(
      classifier.classify(corpus, '美食教程', document),
    );
  });

  it('refuses a saved model computed on other features', () => {
    const { items, labels } = toyCatalogue();
    const state = HashtagClassifier.train(HashtagCorpus.fromItems(items), labels).toJSON();
    expect(() => new HashtagClassifier({ ...state, featureNames: ['logVideos'] })).toThrow(InvalidInputError);
  });
});

describe('readHashtagLabels', () => {
  it('reads the shipped labels: 500 rows, three classes, short excerpts', () => {
    const labels = readHashtagLabels(LABELS);
    expect(labels.length).toBe(500);
    expect(new Set(labels.map((label) => label.label))).toEqual(
      new Set(['content', 'promotional', 'unrelated']),
    );
  });

  it('names the line and field of a bad row', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'labels-')), 'labels.csv');
    writeFileSync(path, 'hashtag,video_id,caption_excerpt,label\n搞笑,1,x,content\n上热门,2,y,spam\n');
    expect(() => readHashtagLabels(path)).toThrow(/line 3 of .*labels\.csv: label/);
  });
});

describe.skipIf(!existsSync(CAPTIONS))(
  `hashtag classifier on the labelled KuaiRec tags (${CAPTIONS})`,
  () => {
    it('beats the keyword rule on macro F1 in 5-fold cross-validation and finds unrelated tags', async () => {
      const corpus = await loadHashtagCorpus(CAPTIONS);
      const result = crossValidateHashtags(corpus, readHashtagLabels(LABELS));
      expect(result.genfeed.macroF1).toBeGreaterThan(result.promoKeywordRule.macroF1 + 0.05);
      expect(result.genfeed.perClass.unrelated!.recall).toBeGreaterThan(0.3);
      expect(result.genfeed.perClass.promotional!.f1).toBeGreaterThan(0.85);
      expect(result.majority.macroF1).toBeLessThan(result.promoKeywordRule.macroF1);
    }, 60_000);
  },
);
