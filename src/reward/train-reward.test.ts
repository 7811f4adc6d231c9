import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { batchOfLog } from './candidate-batch.js';
import { splitLastDay } from './impression-log.js';
import { rankingQuality, signalQuality } from './offline-report.js';
import { loadRewardModel, saveRewardModel } from './reward-checkpoint.js';
import { scoreCandidates } from './score-candidates.js';
import { syntheticLog } from './test-support/synthetic-log.js';
import { trainReward } from './train-reward.js';

describe('trainReward', () => {
  const { log, side } = syntheticLog();
  const { train, test } = splitLastDay(log);
  const trained = trainReward(train, side, { epochs: 6, batchRequests: 16, seed: 3 });

  it('lowers the head and relative-satisfaction losses', () => {
    const first = trained.epochs[0]!;
    const last = trained.epochs.at(-1)!;
    expect(last.headLoss).toBeLessThan(first.headLoss);
    expect(last.pairwiseLoss).toBeLessThan(first.pairwiseLoss);
    expect(last.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1);
  });

  it('learns the signals and an order that tracks the latent taste on held-out pages', () => {
    const batch = batchOfLog(test, trained.model.config.historyLength);
    const click = signalQuality(trained.model, test, batch, side).find((row) => row.signal === 'is_click')!;
    expect(click.auc).toBeGreaterThan(0.65);
    // Gains: realised clicks stand in for satisfaction; random order gives ~0.7 here.
    const gains = Float32Array.from({ length: test.size }, (_, k) => test.signals[k * 8]!);
    const quality = rankingQuality(trained.model, batch, side, gains);
    expect(quality.fused).toBeGreaterThan(0.75);
  });

  it('saves and loads to identical scores; a corrupt file is an error naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reward-'));
    const path = join(dir, 'model.safetensors');
    await saveRewardModel(trained.model, path);
    const loaded = await loadRewardModel(path);
    const batch = batchOfLog(test, trained.model.config.historyLength);
    const before = scoreCandidates(trained.model, batch, side);
    const after = scoreCandidates(loaded, batch, side);
    expect(Array.from(after.fused)).toEqual(Array.from(before.fused));
    expect(Array.from(after.predictions)).toEqual(Array.from(before.predictions));
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 10));
    await expect(loadRewardModel(path)).rejects.toThrow(path);
    await expect(loadRewardModel(join(dir, 'missing.safetensors'))).rejects.toThrow('missing.safetensors');
  });

  it('refuses an empty log and an item side smaller than the log', () => {
    expect(() => trainReward({ ...train, size: 0 }, side)).toThrow(/empty/);
    expect(() => trainReward(train, { ...side, numItems: 3 })).toThrow(/item side covers 3 items/);
  });
});
