import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { popularitySpec } from '../baselines/index.js';
import { loadDataset } from '../data/index.js';
import { leaveOneOut, runEvaluation } from '../eval/index.js';
import { generativeSpec } from './generative-spec.js';
import { beautyPath, denseSubset } from './test-support/dense-beauty.js';

/**
 * A CI-sized run of the generative recommender on real data with the full
 * protocol (tokenizer fitted on the fit sequences, validation fit with early
 * stopping by beam search, refit, constrained beam search on the test): Beauty
 * restricted to its 500 most popular items and the first 2,000 users with at
 * least 4 of them (measured: Recall@10 .13 vs popularity's .023 with 6 epochs). Full-data figures: docs/generative.md.
 */
const beauty = beautyPath;
const ITEMS = 500;
const USERS = 2000;

describe.skipIf(!existsSync(beauty))('generative recommender on a dense Amazon Beauty subset', () => {
  const folder = mkdtempSync(join(tmpdir(), 'genfeed-beauty-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it(`beats popularity (${USERS} users, the ${ITEMS} most popular items, a few epochs)`, async () => {
    const subset = join(folder, 'beauty-dense.txt');
    writeFileSync(subset, denseSubset(readFileSync(beauty, 'utf8'), { items: ITEMS, users: USERS }));
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
