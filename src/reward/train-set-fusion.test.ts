import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../core/index.js';
import { tensor } from '../tensor/index.js';
import { batchOfLog } from './candidate-batch.js';
import { splitLastDay } from './impression-log.js';
import { levelPairs, pairLoss } from './pair-loss.js';
import { loadRewardModel, saveRewardModel } from './reward-checkpoint.js';
import { scoreCandidates } from './score-candidates.js';
import { SetFusion } from './set-fusion.js';
import { syntheticLog } from './test-support/synthetic-log.js';
import { headTargets, satisfactionLevels, trainReward } from './train-reward.js';
import { setFusionObjectives } from './train-set-fusion.js';

describe("trainReward({ architecture: 'set-transformer' })", () => {
  const { log, side } = syntheticLog();
  const { train, test } = splitLastDay(log);
  const messages: string[] = [];
  const trained = trainReward(train, side, {
    architecture: 'set-transformer',
    epochs: 6,
    batchRequests: 16,
    seed: 3,
    evaluator: { evaluateEvery: 5 },
    logger: { ...silentLogger, info: (message) => void messages.push(message) },
  });

  it("reports each epoch's proxy losses as means over the batches that have labels (none on the last day)", () => {
    const proxies = /^reward set fusion epoch \d+: continues (\S+), returns (\S+),/;
    const lines = messages.filter((message) => proxies.test(message));
    expect(lines).toHaveLength(6);
    for (const line of lines) {
      const [, continues, returns] = proxies.exec(line)!;
      expect(Number(continues)).toBeGreaterThan(0);
      expect(Number(returns)).toBeGreaterThan(0);
    }
  });

  it('trains the set fusion: held-out requests ordered by feedback level below ln 2', () => {
    expect(trained.model.fusion).toBeInstanceOf(SetFusion);
    expect(trained.objectives).toEqual(setFusionObjectives);
    const batch = batchOfLog(test, trained.model.config.historyLength);
    const { fused } = scoreCandidates(trained.model, batch, side);
    const levels = satisfactionLevels(test, headTargets(test, trained.model.config), 'none');
    const loss = pairLoss(tensor(fused, [test.size, 1]), levelPairs(levels, batch.requestOffsets)).data[0]!;
    expect(loss).toBeLessThan(0.66);
    const last = trained.epochs.at(-1)!;
    expect(last.pairwiseLoss).toBeLessThan(Math.LN2);
    expect(last.headLoss).toBeLessThan(trained.epochs[0]!.headLoss);
  });

  it('re-weights its objectives during training from held-out evaluations', () => {
    const evaluations = trained.evaluations!;
    expect(evaluations.length).toBeGreaterThan(10);
    for (const { weights } of evaluations) expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 8);
    const final = evaluations.at(-1)!.weights;
    expect(Math.max(...final) - Math.min(...final)).toBeGreaterThan(0.01);
  });

  it('saves and loads to identical scores; the config names the architecture', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'set-reward-')), 'reward.safetensors');
    await saveRewardModel(trained.model, path);
    const loaded = await loadRewardModel(path);
    expect(loaded.config.fusionArchitecture).toBe('set-transformer');
    expect(loaded.fusion).toBeInstanceOf(SetFusion);
    const batch = batchOfLog(test, trained.model.config.historyLength);
    expect(Array.from(scoreCandidates(loaded, batch, side).fused)).toEqual(
      Array.from(scoreCandidates(trained.model, batch, side).fused),
    );
  });

  it('refuses the in-sample variant', () => {
    expect(() =>
      trainReward(train, side, { architecture: 'set-transformer', fusionTraining: 'in-sample' }),
    ).toThrow(/cross-fitted head values only/);
  });
});
