import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { popularitySpec } from '../baselines/index.js';
import { loadDataset } from '../data/index.js';
import { leaveOneOut, runEvaluation } from '../eval/index.js';
import { generativeSpec } from './generative-spec.js';

/**
 * A CI-sized run of the generative recommender on real data with the full
 * protocol (tokenizer fitted on the fit sequences, validation fit with early
 * stopping by beam search, refit, constrained beam search on the test): Beauty
 * restricted to its 500 most popular items and the first 2,000 users with at
 * least 4 of them (measured: Recall@10 .13 vs popularity's .023 with 6 epochs). Full-data figures: docs/generative.md.
 */
const DATA = process.env.GENFEED_DATA ?? fileURLToPath(new URL('../../../shared/data', import.meta.url));
const beauty = join(DATA, 'amazon-beauty/Beauty.txt');
const ITEMS = 500;
const USERS = 2000;

/** `user item item ...` lines of the subset. */
function denseSubset(text: string): string {
  const rows = text
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/));
  const counts = new Map<string, number>();
  for (const row of rows) for (const item of row.slice(1)) counts.set(item, (counts.get(item) ?? 0) + 1);
  const popular = new Set(
    [...counts]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, ITEMS)
      .map(([item]) => item),
  );
  return rows
    .map((row) => [row[0], ...row.slice(1).filter((item) => popular.has(item))])
    .filter((row) => row.length > 4)
    .slice(0, USERS)
    .map((row) => `${row.join(' ')}\n`)
    .join('');
}

describe.skipIf(!existsSync(beauty))('generative recommender on a dense Amazon Beauty subset', () => {
  const folder = mkdtempSync(join(tmpdir(), 'genfeed-beauty-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it(`beats popularity (${USERS} users, the ${ITEMS} most popular items, a few epochs)`, async () => {
    const subset = join(folder, 'beauty-dense.txt');
    writeFileSync(subset, denseSubset(readFileSync(beauty, 'utf8')));
    const dataset = await loadDataset(subset, { format: 'sequences' });
    const split = leaveOneOut(dataset.interactions);
    expect(split.numUsers).toBe(USERS);
    const options = { dataset: 'amazon-beauty-dense-subset', search: {} };
    const pop = await runEvaluation(popularitySpec, split, options);
    const generative = await runEvaluation(generativeSpec, split, {
      ...options,
      params: {
        dim: 64,
        heads: 2,
        epochs: 6,
        decayEpochs: 0,
        evaluateEvery: 3,
        patience: 2,
        lr: 5e-3,
        batchSize: 64,
        codebookSize: 32,
        validationUsers: 600,
      },
    });
    expect(generative.users).toBe(pop.users);
    expect(generative.params.epochs).toBeGreaterThanOrEqual(2);
    expect(generative.metrics['recall@10']).toBeGreaterThan(3 * pop.metrics['recall@10']!);
    expect(generative.metrics['ndcg@10']).toBeGreaterThan(3 * pop.metrics['ndcg@10']!);
  }, 150_000);
});

describe.skipIf(existsSync(beauty))('generative recommender on Amazon Beauty', () => {
  it.skip(`skipped: ${beauty} is absent (set GENFEED_DATA to the shared data folder)`, () => {});
});
