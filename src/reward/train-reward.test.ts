import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { batchOfLog } from './candidate-batch.js';
import { ImpressionLogBuilder, splitLastDay } from './impression-log.js';
import { rankingQuality, signalQuality } from './offline-report.js';
import { loadRewardModel, saveRewardModel } from './reward-checkpoint.js';
import { scoreCandidates } from './score-candidates.js';
import { syntheticLog } from './test-support/synthetic-log.js';
import { satisfactionLevels, trainReward } from './train-reward.js';

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

describe('satisfactionLevels', () => {
  it('orders hate < nothing < click < long view < liked long view, ties broken by watch time', () => {
    const builder = new ImpressionLogBuilder(1, 5);
    const rows = [
      { signals: [0, 0, 0, 0, 0, 0, 1, 0], playTimeMs: 9000 }, // hate
      { signals: [0, 0, 0, 0, 0, 0, 0, 0], playTimeMs: 1000 }, // nothing
      { signals: [1, 0, 0, 0, 0, 0, 0, 0], playTimeMs: 8000 }, // valid play
      { signals: [1, 1, 0, 0, 0, 0, 0, 0], playTimeMs: 20_000 }, // long view
      { signals: [1, 1, 1, 0, 0, 0, 0, 0], playTimeMs: 19_000 }, // liked long view
    ];
    rows.forEach((row, item) => {
      builder.push({
        user: 0,
        item,
        request: 0,
        position: item,
        day: 0,
        hour: 0,
        durationMs: 30_000,
        ...row,
      });
    });
    const log = builder.build();
    const targets = new Float32Array(5 * 9);
    const byBucket = satisfactionLevels(log, targets);
    expect(Array.from(byBucket)).toEqual([-1, 0, 1, 2, 3]);
    const byPlay = satisfactionLevels(log, targets, 'play-time');
    expect(byPlay[0]).toBe(-1);
    for (let k = 1; k < 5; k++) expect(Math.floor(byPlay[k]!)).toBe(k - 1);
    expect(byPlay[3]! - 2).toBeCloseTo(0.9); // the longest play of the log
  });
});
