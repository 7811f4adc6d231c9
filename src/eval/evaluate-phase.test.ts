import { describe, expect, it } from 'vitest';
import { evaluatePhase } from './evaluate-phase.js';
import type { Recommender } from './recommender.js';
import type { EvalPhase } from './split.js';

/** Scores item i as -i: ranks items in id order. */
const idOrder: Recommender = {
  fit: () => undefined,
  score: (_user, _history, scores) => {
    for (let item = 0; item < scores.length; item++) scores[item] = -item;
  },
};

const lists = (values: number[][]) => values.map((value) => Int32Array.from(value));

describe('evaluatePhase', () => {
  const phase: EvalPhase = {
    name: 'test',
    fit: lists([[0], [1], [], [0]]),
    history: lists([[0], [1], [], [0]]),
    exclude: lists([[0], [1], [], [0]]),
    // user 0: 0 excluded, ranking 1,2,3,... target 1 at rank 1; user 1: ranking 0,2,3,...,8,9 target 9 at rank 9;
    // user 2: no history (cold); user 3: no targets.
    targets: lists([[1], [9], [4], []]),
  };

  it('averages per-user metrics over users with targets and history, with 95% intervals', () => {
    const result = evaluatePhase(idOrder, phase, 12, { ks: [5, 10] });
    expect(result.users).toBe(2);
    expect(result.coldUsers).toBe(1);
    expect(result.metrics['recall@5']).toBe(0.5);
    expect(result.metrics['recall@10']).toBe(1);
    expect(result.metrics['ndcg@10']).toBeCloseTo((1 + 1 / Math.log2(10)) / 2, 12);
    expect(result.metrics.mrr).toBeCloseTo((1 + 1 / 9) / 2, 12);
    // recall@5 per user: 1 and 0 -> sample sd sqrt(0.5), standard error 0.5.
    expect(result.ci95['recall@5']).toBeCloseTo(1.96 * 0.5, 12);
    expect(result.ci95['recall@10']).toBe(0);
    // top-5 lists: {1,2,3,4,5} and {0,2,3,4,5} cover 6 of 12 items.
    expect(result.metrics['coverage@5']).toBe(0.5);
  });

  it('ranks by recommend when the model has it, counting a target outside the list as 0 in MRR', () => {
    // Lists [3, 1] for every user; recommend never scores the catalogue.
    const generator: Recommender = {
      fit: () => undefined,
      score: () => {
        throw new Error('score must not be called when recommend is present');
      },
      recommend: (_user, _history, k, exclude) => {
        expect(k).toBe(10);
        expect(exclude.length).toBe(1);
        return { items: Int32Array.from([3, 1]), scores: Float32Array.from([-1, -2]) };
      },
    };
    const result = evaluatePhase(generator, phase, 12, { ks: [1, 10] });
    expect(result.users).toBe(2);
    // user 0: target 1 at rank 2; user 1: target 9 absent.
    expect(result.metrics['recall@1']).toBe(0);
    expect(result.metrics['recall@10']).toBe(0.5);
    expect(result.metrics['ndcg@10']).toBeCloseTo(1 / Math.log2(3) / 2, 12);
    expect(result.metrics.mrr).toBeCloseTo(0.25, 12);
    expect(result.metrics['coverage@10']).toBeCloseTo(2 / 12, 12);
  });
});
