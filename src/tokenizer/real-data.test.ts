import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../data/index.js';
import { collaborativeVectors } from './item-vectors/collaborative-vectors.js';
import { combineItemVectors } from './item-vectors/combine-item-vectors.js';
import { contentVectors } from './item-vectors/content-vectors.js';
import { SemanticTokenizer } from './semantic-tokenizer.js';
import { evaluateTokenizer } from './tokenizer-report.js';

/** The shared public data sets (see ../shared/data/README.md); GENFEED_DATA points elsewhere. */
const DATA = process.env.GENFEED_DATA ?? fileURLToPath(new URL('../../../shared/data', import.meta.url));
const beauty = join(DATA, 'amazon-beauty');
const present =
  existsSync(join(beauty, 'Beauty.txt')) && existsSync(join(beauty, 'Beauty_item2attributes.json'));

describe.skipIf(!present)('tokenizer on Amazon Beauty (L = 3, K = 256)', () => {
  it('gives every item a unique semantic ID with full codebooks and few collisions', async () => {
    const dataset = await loadDataset(beauty, { format: 'sequences' });
    const itemIds = dataset.interactions.items.ids();
    expect(itemIds).toHaveLength(12101);
    const content = contentVectors(itemIds, dataset.items);
    expect(content.emptyItems.length).toBeLessThan(0.01 * itemIds.length);
    const training = dataset.interactions
      .sequences()
      .map((sequence) => sequence.subarray(0, Math.max(0, sequence.length - 2)));
    const collaborative = collaborativeVectors(training, itemIds.length);
    expect(collaborative.emptyItems.length).toBeLessThan(0.01 * itemIds.length);
    const vectors = combineItemVectors(content, collaborative);
    const tokenizer = SemanticTokenizer.fit(vectors, { levels: 3, codebookSize: 256, seed: 0 });
    const report = evaluateTokenizer(tokenizer, vectors);
    expect(report.items).toBe(12101);
    expect(report.utilisation).toEqual([1, 1, 1]);
    for (const load of report.largestCodeLoad) expect(load).toBeLessThan(1.02); // 48 items per code at most, N/K = 47.3
    expect(report.collisionRate).toBeLessThan(0.15); // measured 0.066
    expect(report.maxItemsPerPath).toBeLessThanOrEqual(32);
    expect(report.reconstructionError).toBeLessThan(0.35); // measured 0.237
    const [first, second, third] = report.reconstructionErrorByLevel as [number, number, number];
    expect(second).toBeLessThan(first);
    expect(third).toBeLessThan(second);
    for (let item = 0; item < 12101; item++) expect(tokenizer.itemOf(tokenizer.semanticId(item))).toBe(item);
  });
});

describe.skipIf(present)('tokenizer on Amazon Beauty', () => {
  it.skip(`skipped: ${beauty} is absent (set GENFEED_DATA to the shared data folder)`, () => {});
});
