import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, Random } from '../core/index.js';
import type { FeedRequest } from '../feed/index.js';
import { defaultShape, RewardModel } from '../reward/index.js';
import { buildCascade } from './build-cascade.js';
import type { Cascade } from './cascade.js';
import { loadCascade, saveCascade } from './cascade-directory.js';
import { NOW, tinyCatalogue } from './test-support/tiny-catalogue.js';

const settings = {
  quotas: { itemknn: 10, ann: 10, popular: 5, fresh: 5 },
  prerankSize: 20,
  dim: 8,
  authorCap: 2,
};
const { items, interactions } = tinyCatalogue();
const root = mkdtempSync(join(tmpdir(), 'genfeed-cascade-'));

const feeds = (cascade: Cascade) =>
  ['u0', 'u1', 'u7'].map((userId) => {
    const request: FeedRequest = {
      userId,
      n: 12,
      history: interactions.get(userId)!,
      exclude: new Set(['v3']),
      now: NOW,
    };
    return cascade.recommend(request).items;
  });

async function saved(name: string, cascade: Cascade): Promise<string> {
  const dir = join(root, name);
  await saveCascade(cascade, dir);
  return dir;
}

describe('cascade model directory', () => {
  const cascade = buildCascade({ items, interactions }, { settings });

  it('loads back a cascade that serves identical feeds and similar items', async () => {
    const dir = await saved('plain', cascade);
    const loaded = await loadCascade(dir, { modelVersion: 'cascade@2' });
    expect(feeds(loaded)).toEqual(feeds(cascade));
    expect(loaded.similar('v5', 6)).toEqual(cascade.similar('v5', 6));
    expect(loaded.config).toEqual(cascade.config);
    expect(loaded.catalogue.toItems()).toEqual(cascade.catalogue.toItems());
    expect(loaded.modelVersion).toBe('cascade@2');
  });

  it('keeps the reward model', async () => {
    const watch = {
      durationBounds: [10_000],
      playQuantiles: [
        [0, 5_000],
        [0, 20_000],
      ],
    };
    const reward = new RewardModel(
      { ...defaultShape, numItems: items.length, numAuthors: 8, numCategories: 0, watch },
      new Random(2),
    );
    const ranked = buildCascade({ items, interactions, reward }, { settings });
    const loaded = await loadCascade(await saved('reward', ranked));
    expect(loaded.hasRewardModel).toBe(true);
    expect(feeds(loaded)).toEqual(feeds(ranked));
  });

  it('rejects a corrupted file, naming the directory and the file', async () => {
    const dir = await saved('corrupt', cascade);
    const path = join(dir, 'item-vectors.f32');
    const bytes = readFileSync(path);
    bytes[5] = bytes[5]! ^ 0xff;
    writeFileSync(path, bytes);
    const error = await loadCascade(dir).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toContain(dir);
    expect((error as Error).message).toMatch(/item-vectors\.f32 has sha256 .* \(corrupted or modified\)/);
  });

  it('rejects a missing file, a broken manifest and a foreign directory', async () => {
    const missing = await saved('missing', cascade);
    rmSync(join(missing, 'ann.hnsw'));
    await expect(loadCascade(missing)).rejects.toThrow(/ann\.hnsw is missing/);

    const broken = await saved('broken', cascade);
    writeFileSync(join(broken, 'manifest.json'), '{"format": "genfeed.cascade", ');
    await expect(loadCascade(broken)).rejects.toThrow(/manifest\.json is not valid JSON/);

    const edited = await saved('edited', cascade);
    const manifest = JSON.parse(readFileSync(join(edited, 'manifest.json'), 'utf8'));
    manifest.config.prerankSize = 'many';
    writeFileSync(join(edited, 'manifest.json'), JSON.stringify(manifest));
    await expect(loadCascade(edited)).rejects.toThrow(/field "config\.prerankSize"/);

    const newer = await saved('newer', cascade);
    const future = JSON.parse(readFileSync(join(newer, 'manifest.json'), 'utf8'));
    future.formatVersion = 99;
    writeFileSync(join(newer, 'manifest.json'), JSON.stringify(future));
    await expect(loadCascade(newer)).rejects.toThrow(/format version 99/);

    await expect(loadCascade(join(root, 'nowhere'))).rejects.toThrow(/manifest\.json is missing/);
    const foreign = join(root, 'foreign');
    await saved('foreign', cascade);
    writeFileSync(join(foreign, 'manifest.json'), JSON.stringify({ format: 'genfeed.model-directory' }));
    await expect(loadCascade(foreign)).rejects.toThrow(/is not a genfeed\.cascade manifest/);
  });
});
