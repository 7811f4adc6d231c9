import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readKuaiRecCaptions } from '../../data/index.js';
import { detectLanguage, joinedText, segment } from '../text/index.js';
import { CategoryClassifier, type CategoryExample } from './category-classifier.js';
import { majorityLabel } from './majority-class.js';
import { classificationMetrics } from './metrics.js';
import { holdOutSplit } from './split.js';

const DATA = process.env.GENFEED_DATA ?? fileURLToPath(new URL('../../../../shared/data', import.meta.url));
const captions = `${DATA}/kuairec/kuairec_caption_category.csv`;

async function firstExamples(count: number): Promise<CategoryExample[]> {
  const examples: CategoryExample[] = [];
  for await (const item of readKuaiRecCaptions(captions)) {
    if (item.categories === undefined) continue;
    examples.push({
      content: {
        ...(item.text !== undefined && { caption: item.text }),
        ...(item.coverText !== undefined && { coverText: item.coverText }),
        ...(item.hashtags !== undefined && { hashtags: item.hashtags }),
      },
      path: item.categories,
    });
    if (examples.length === count) break;
  }
  return examples;
}

describe.skipIf(!existsSync(captions))('KuaiRec captions (real data subset)', () => {
  it('segments the captions, sees mostly Chinese, and beats the majority class on 2,000 videos', async () => {
    const examples = await firstExamples(2000);
    expect(examples).toHaveLength(2000);
    const texts = examples.map((example) => joinedText(example.content)).filter((text) => text !== '');
    const segmented = texts.map((text) => segment(text));
    expect(segmented.filter((words) => words.length > 0).length / texts.length).toBeGreaterThan(0.95);
    const chinese = texts.filter((text) => detectLanguage(text) === 'zh').length;
    expect(chinese / texts.length).toBeGreaterThan(0.7);

    const split = holdOutSplit(examples.length, { testFraction: 0.2, seed: 1 });
    const train = split.train.map((i) => examples[i]!);
    const test = split.test.map((i) => examples[i]!);
    const classifier = CategoryClassifier.fit(train, { dim: 16, epochs: 6, minCount: 2, lr: 0.02 });
    const predicted = classifier.predictLevels(test.map((example) => example.content));
    const truth = test.map((example) => example.path[0]!);
    const genfeed = classificationMetrics(
      truth,
      predicted.map((levels) => levels[0]!),
    );
    const majority = majorityLabel(train.map((example) => example.path[0]!));
    const baseline = classificationMetrics(
      truth,
      truth.map(() => majority),
    );
    expect(genfeed.accuracy).toBeGreaterThan(baseline.accuracy + 0.1);
    expect(genfeed.macroF1).toBeGreaterThan(baseline.macroF1 + 0.1);
  });
});

describe.skipIf(existsSync(captions))('KuaiRec captions (real data subset)', () => {
  it.skip(`skipped: ${captions} is absent (set GENFEED_DATA to the shared data folder)`, () => {});
});
