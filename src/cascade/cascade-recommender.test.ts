import { describe, expect, it } from 'vitest';
import { Popularity } from '../baselines/index.js';
import { Random } from '../core/index.js';
import { type EvalPhase, evaluatePhase, type TrainingData } from '../eval/index.js';
import { type CascadeRecommender, cascadeSpec } from './cascade-recommender.js';
import { tinyCatalogue } from './test-support/tiny-catalogue.js';

// The tiny clustered catalogue as dense indices: each user's last item is the target.
const { interactions } = tinyCatalogue();
const sequences = [...interactions.values()].map((ids) => Int32Array.from(ids, (id) => Number(id.slice(1))));
const histories = sequences.map((sequence) => sequence.subarray(0, -1));
const training: TrainingData = { numUsers: sequences.length, numItems: 40, sequences: histories };
const phase: EvalPhase = {
  name: 'test',
  fit: histories,
  history: histories,
  exclude: histories,
  targets: sequences.map((sequence) => sequence.subarray(-1)),
};

describe('CascadeRecommender (the cascade on the eval harness)', () => {
  const model = cascadeSpec.create({ ...cascadeSpec.defaults, dim: 8 }) as CascadeRecommender;
  model.fit(training);

  it('returns k distinct items outside the excluded ones', () => {
    const { items, scores } = model.recommend(0, histories[0]!, 10, histories[0]!);
    expect(items).toHaveLength(10);
    expect(new Set(items).size).toBe(10);
    for (const item of items) expect(histories[0]).not.toContain(item);
    expect(Array.from(scores)).toEqual(Array.from(scores).sort((a, b) => b - a));
  });

  it('finds held-out items of the user taste cluster better than popularity', () => {
    const cascade = evaluatePhase(model, phase, 40, { ks: [10] });
    const popularity = new Popularity();
    popularity.fit(training);
    const popular = evaluatePhase(popularity, phase, 40, { ks: [10] });
    expect(cascade.users).toBe(60);
    expect(cascade.metrics['recall@10']!).toBeGreaterThan(popular.metrics['recall@10']! + 0.15);
  });

  it('reports mean CPU ms per request of each stage', () => {
    const report = model.report() as { cascadeStagesPerRequest: Record<string, { cpuMs: number }> };
    expect(Object.keys(report.cascadeStagesPerRequest)).toEqual(['recall', 'prerank', 'rank', 'filter']);
    for (const cost of Object.values(report.cascadeStagesPerRequest))
      expect(cost.cpuMs).toBeGreaterThanOrEqual(0);
  });

  it('reports how often the test target survives recall and pre-rank', () => {
    const report = model.report(phase, { random: new Random(1), numItems: 40 }) as {
      funnelHitRates: { users: number; recall: number; prerank: number };
    };
    const rates = report.funnelHitRates;
    expect(rates.users).toBe(60);
    // 30 candidates of a 40-item catalogue hold most targets; the pre-rank keeps 100, so all of them.
    expect(rates.recall).toBeGreaterThan(0.5);
    expect(rates.prerank).toBe(rates.recall);
  });
});
