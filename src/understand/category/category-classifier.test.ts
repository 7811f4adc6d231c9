import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Random } from '../../core/index.js';
import { CategoryClassifier, type CategoryExample } from './category-classifier.js';
import { classificationMetrics } from './metrics.js';
import { TfidfLogisticRegression } from './tfidf-logistic-regression.js';

/** Synthetic captions: each category path has its own words, mixed with shared filler. */
const VOCABULARY: [string[], string[]][] = [
  [
    ['美食', '美食教程'],
    ['红烧肉', '做法', '炒菜', '厨房', '好吃'],
  ],
  [
    ['美食', '探店'],
    ['餐厅', '排队', '火锅', '探店', '好吃'],
  ],
  [
    ['体育', '篮球'],
    ['篮球', '投篮', '扣篮', '球场', '比赛'],
  ],
  [
    ['体育', '足球'],
    ['足球', '射门', '进球', '球场', '比赛'],
  ],
  [['宠物'], ['猫咪', '狗狗', '铲屎官', '喵星人', '撸猫']],
];
const FILLER = ['今天', '大家', '视频', '分享', '一起', '记录'];

function syntheticExamples(count: number, seed: number): CategoryExample[] {
  const random = new Random(seed);
  return Array.from({ length: count }, () => {
    const [path, words] = VOCABULARY[random.int(VOCABULARY.length)]!;
    const caption = [
      words[random.int(words.length)],
      FILLER[random.int(FILLER.length)],
      words[random.int(words.length)],
    ].join('');
    return { content: { caption }, path };
  });
}

const train = syntheticExamples(200, 1);
const test = syntheticExamples(60, 2);
const folder = mkdtempSync(join(tmpdir(), 'genfeed-category-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('CategoryClassifier', () => {
  const classifier = CategoryClassifier.fit(train, { dim: 16, epochs: 25, lr: 0.02, featureDropout: 0 });
  const predicted = classifier.predictLevels(test.map((example) => example.content));

  it('learns the synthetic categories at both levels', () => {
    const level1 = classificationMetrics(
      test.map((e) => e.path[0]!),
      predicted.map((p) => p[0]!),
    );
    expect(level1.accuracy).toBeGreaterThanOrEqual(0.95);
    const withLevel2 = test.flatMap((e, i) => (e.path[1] === undefined ? [] : [i]));
    const level2 = classificationMetrics(
      withLevel2.map((i) => test[i]!.path[1]!),
      withLevel2.map((i) => predicted[i]![1]!),
    );
    expect(level2.accuracy).toBeGreaterThanOrEqual(0.8);
  });

  it('decodes only known paths, stopping where the path stops', () => {
    expect(classifier.predict({ caption: '猫咪撸猫' }).path).toEqual(['宠物']);
    const sport = classifier.predict({ caption: '扣篮投篮篮球' });
    expect(sport.path).toEqual(['体育', '篮球']);
    expect(sport.probabilities[0]).toBeGreaterThan(0.5);
  });

  it('gives similar videos closer content vectors than unrelated ones', () => {
    const [a, b, c] = classifier.embed([
      { caption: '篮球比赛' },
      { caption: '扣篮投篮' },
      { caption: '喵星人撸猫' },
    ]);
    const dot = (x: Float32Array, y: Float32Array): number => x.reduce((sum, v, i) => sum + v * y[i]!, 0);
    expect(a).toHaveLength(16);
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!));
  });

  it('round-trips through a checkpoint file', async () => {
    const path = join(folder, 'category.safetensors');
    await classifier.save(path);
    const loaded = await CategoryClassifier.load(path);
    expect(loaded.predictLevels(test.map((example) => example.content))).toEqual(predicted);
  });

  it('rejects a file that is not a category classifier', async () => {
    await expect(CategoryClassifier.load(join(folder, 'missing.safetensors'))).rejects.toThrow(
      /missing\.safetensors/,
    );
  });
});

describe('TfidfLogisticRegression', () => {
  it('learns the synthetic level-1 categories', () => {
    const words = (examples: CategoryExample[]) => examples.map((e) => [...e.content.caption!]);
    const model = TfidfLogisticRegression.fit(
      words(train),
      train.map((e) => e.path[0]!),
      { epochs: 20, lr: 0.05 },
    );
    const metrics = classificationMetrics(
      test.map((e) => e.path[0]!),
      model.predict(words(test)),
    );
    expect(metrics.accuracy).toBeGreaterThanOrEqual(0.9);
  });
});

describe('stopAfterEpoch', () => {
  it('reproduces the model a longer run had at that epoch', () => {
    const words = (examples: CategoryExample[]) => examples.map((e) => [...e.content.caption!]);
    const labels = train.map((e) => e.path[0]!);
    let atEpoch3: Float32Array | undefined;
    TfidfLogisticRegression.fit(words(train), labels, {
      epochs: 8,
      onEpoch: (epoch, model) => {
        if (epoch === 3) atEpoch3 = model.logProbabilities(words(test));
      },
    });
    const stopped = TfidfLogisticRegression.fit(words(train), labels, { epochs: 8, stopAfterEpoch: 3 });
    expect(stopped.logProbabilities(words(test))).toEqual(atEpoch3);
    const shortSchedule = TfidfLogisticRegression.fit(words(train), labels, { epochs: 3 });
    expect(shortSchedule.logProbabilities(words(test))).not.toEqual(atEpoch3);
  });
});
