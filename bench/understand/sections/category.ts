import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { readKuaiRecCaptions } from '../../../src/data/index.js';
import { type CategoryExample, categoryBenchmark } from '../../../src/understand/index.js';
import { type BenchSection, formatTable } from '../section.js';

/** Category path prediction on KuaiRec captions: genfeed vs TF-IDF + logistic regression vs majority. */
export const section: BenchSection = {
  name: 'category',
  async run({ dataRoot, seed, logger }) {
    const path = resolve(dataRoot, 'kuairec/kuairec_caption_category.csv');
    if (!existsSync(path)) {
      logger.warn(`category: skipped, ${path} not found`);
      return null;
    }
    const examples: CategoryExample[] = [];
    for await (const item of readKuaiRecCaptions(path)) {
      examples.push({
        content: {
          ...(item.text !== undefined && { caption: item.text }),
          ...(item.coverText !== undefined && { coverText: item.coverText }),
          ...(item.hashtags !== undefined && { hashtags: item.hashtags }),
        },
        path: item.categories ?? [],
      });
    }
    const started = performance.now();
    const result = categoryBenchmark(examples, { seed, logger });
    const seconds = (performance.now() - started) / 1000;
    const rows: string[][] = [];
    for (const level of ['level1', 'level2', 'level3'] as const) {
      for (const model of ['genfeed', 'tfidfLogReg', 'majority'] as const) {
        const m = result[level][model];
        rows.push([
          `${level} ${model}`,
          String(m.count),
          percent(m.accuracy),
          percent(m.macroPrecision),
          percent(m.macroRecall),
          percent(m.macroF1),
        ]);
      }
    }
    const table = formatTable(
      ['level / model', 'test n', 'accuracy', 'macro P', 'macro R', 'macro F1'],
      rows,
    );
    return { results: { ...result, seconds: Math.round(seconds) }, table };
  },
};

function percent(value: number): string {
  return (100 * value).toFixed(2);
}
