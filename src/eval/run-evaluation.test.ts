import { describe, expect, it } from 'vitest';
import type { Params, Recommender, RecommenderSpec, TrainingData } from './recommender.js';
import { runEvaluation } from './run-evaluation.js';
import type { EvalPhase, EvalSplit } from './split.js';

/**
 * A model that recommends the items of a fixed order, shifted by `offset`:
 * lets the test control which hyperparameter wins on validation.
 */
class FixedOrder implements Recommender {
  fits: TrainingData[] = [];
  constructor(readonly params: Params) {}
  fit(data: TrainingData) {
    this.fits.push(data);
    return { chosen: { epochs: 3 } };
  }
  score(_user: number, _history: Int32Array, scores: Float32Array) {
    for (let item = 0; item < scores.length; item++)
      scores[item] = -((item - Number(this.params.offset) + 10) % 10);
  }
}

function phase(name: EvalPhase['name'], fit: number[][], targets: number[][]): EvalPhase {
  const arrays = (lists: number[][]) => lists.map((list) => Int32Array.from(list));
  return { name, fit: arrays(fit), history: arrays(fit), exclude: arrays(fit), targets: arrays(targets) };
}

describe('runEvaluation', () => {
  const split: EvalSplit = {
    protocol: 'test-protocol',
    description: 'hand-made',
    numUsers: 2,
    numItems: 10,
    // Validation targets item 2 for both users: offset 2 ranks it first.
    validation: phase('validation', [[0], [1]], [[2], [2]]),
    test: phase(
      'test',
      [
        [0, 2],
        [1, 2],
      ],
      [[3], [5]],
    ),
  };
  const created: FixedOrder[] = [];
  const spec: RecommenderSpec = {
    name: 'fixed',
    description: 'fixed order',
    defaults: { offset: 0, epochs: 1 },
    search: { offset: [0, 2, 5] },
    create: (params) => {
      const model = new FixedOrder(params);
      created.push(model);
      return model;
    },
  };

  it('chooses on validation, refits on train + validation, and reports the protocol', async () => {
    created.length = 0;
    const report = await runEvaluation(spec, split, { dataset: 'toy' });
    expect(report.search.map((trial) => trial.params.offset)).toEqual([0, 2, 5]);
    expect(report.params).toEqual({ offset: 2, epochs: 3 });
    expect(report.validation.metrics['recall@5']).toBe(1);
    // The refit model is the fourth created and was fit on the test phase's data.
    expect(created).toHaveLength(4);
    expect(created[3]!.fits[0]!.sequences.map((sequence) => Array.from(sequence))).toEqual([
      [0, 2],
      [1, 2],
    ]);
    // Offset 2 ranks 2,3,4,5,6,... and excludes history: user 1 (excl. 0, 2) -> 3 first; user 2 (excl. 1, 2) -> 3, 4, 5.
    expect(report.metrics['recall@5']).toBe(1);
    expect(report.metrics['ndcg@5']).toBeCloseTo((1 + 1 / Math.log2(4)) / 2, 12);
    expect(report.users).toBe(2);
    expect(report.protocol.fitPolicy).toContain('refit');
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining(['dataset', 'model', 'users', 'metrics', 'trainSeconds', 'evalSeconds']),
    );
  });

  it("adds the peak RSS and the model's own report extras, never overriding a core key", async () => {
    const reporting: RecommenderSpec = {
      ...spec,
      create: (params) =>
        Object.assign(new FixedOrder(params), {
          report: (test: EvalPhase) => ({ latencyMs: { p50: 1, p99: 2 }, users: -1, phase: test.name }),
        }),
    };
    const report = await runEvaluation(reporting, split, { dataset: 'toy' });
    expect(report.peakRssMB).toBeGreaterThan(0);
    expect(report.latencyMs).toEqual({ p50: 1, p99: 2 });
    expect(report.phase).toBe('test');
    expect(report.users).toBe(2);
  });

  it('scores the test with the validation model under --no-refit', async () => {
    created.length = 0;
    const report = await runEvaluation(spec, split, { dataset: 'toy', refit: false });
    expect(created).toHaveLength(3);
    expect(report.protocol.fitPolicy).toContain('no refit');
    expect(report.noRefit.metrics).toEqual(report.metrics);
  });

  describe('the no-refit column', () => {
    /** Scores each item by how often the fit data holds it: what it learns depends on the fit. */
    class Popularity implements Recommender {
      counts: number[] = [];
      fit(data: TrainingData) {
        this.counts = new Array(data.numItems).fill(0);
        for (const sequence of data.sequences) for (const item of sequence) this.counts[item]!++;
        return undefined;
      }
      score(_user: number, _history: Int32Array, scores: Float32Array) {
        scores.set(this.counts);
      }
    }
    const models: Popularity[] = [];
    const popularity: RecommenderSpec = {
      name: 'popularity',
      description: 'counts',
      defaults: {},
      search: {},
      create: () => {
        const model = new Popularity();
        models.push(model);
        return model;
      },
    };
    // Users 0 and 1 add item 4 in validation, so only the refit knows it is popular;
    // user 3 (history 3, then 1 in validation) is the one test user and looks for 4.
    const trainFit = [[0], [1], [2], [3]];
    const fullFit = [
      [0, 4],
      [1, 4],
      [2, 3],
      [3, 1],
    ];
    const fourUsers: EvalSplit = {
      protocol: 'test-protocol',
      description: 'hand-made',
      numUsers: 4,
      numItems: 5,
      validation: phase('validation', trainFit, [[4], [4], [3], [1]]),
      test: phase('test', fullFit, [[], [], [], [4]]),
    };

    it('ranks the test with the validation model and the test history, beside the refit column', async () => {
      models.length = 0;
      const report = await runEvaluation(popularity, fourUsers, { dataset: 'toy', ks: [1, 5] });
      // Refit counts 1:2 3:2 4:2, so with 1 and 3 excluded, 4 comes first.
      expect(report.metrics['recall@1']).toBe(1);
      // The validation model never saw 4: user 3's ranking is 0, 2, 4 (1 and 3 excluded
      // by the test history; the validation history would have left 1 in: 0, 1, 2, 4).
      expect(report.noRefit.metrics['recall@1']).toBe(0);
      expect(report.noRefit.metrics.mrr).toBeCloseTo(1 / 3, 12);
      expect(report.noRefit.metrics['ndcg@5']).toBeCloseTo(0.5, 12);
      expect(Object.keys(report.noRefit).sort()).toEqual(
        ['ci95', 'coldUsers', 'evalSeconds', 'metrics', 'trainSeconds', 'users'].sort(),
      );
      expect(report.noRefit.users).toBe(1);
      expect(report.noRefit.ci95['recall@1']).toBe(0);
      // One validation fit (reused for the no-refit column) and one refit.
      expect(models).toHaveLength(2);
      expect(report.noRefit.trainSeconds).toBe(report.search[0]!.fitSeconds);
    });

    it('fits one on the training part when the split has no validation targets', async () => {
      models.length = 0;
      const noValidation = { ...fourUsers, validation: phase('validation', trainFit, [[], [], [], []]) };
      const report = await runEvaluation(popularity, noValidation, { dataset: 'toy', ks: [1] });
      expect(models).toHaveLength(2);
      expect(models[0]!.counts).toEqual([1, 1, 1, 1, 0]);
      expect(report.noRefit.metrics['recall@1']).toBe(0);
      expect(report.metrics['recall@1']).toBe(1);
    });
  });

  it('does not search a parameter the caller fixed, and rejects unknown ones', async () => {
    const report = await runEvaluation(spec, split, { dataset: 'toy', params: { offset: 5 } });
    expect(report.search).toHaveLength(1);
    expect(report.params.offset).toBe(5);
    await expect(runEvaluation(spec, split, { dataset: 'toy', params: { depth: 2 } })).rejects.toThrow(
      'Invalid params of model fixed: field "depth": not a parameter of model fixed (known: offset, epochs)',
    );
  });
});
