import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../core/index.js';
import { readLabeledPairs } from '../data/index.js';
import { deriveSummary } from './derive-summary.js';
import { realWorld } from './real-world.js';
import { shippedSummary } from './summary.js';
import { taste } from './world.js';

/** The shared public data sets (see ../shared/data/README.md); GENFEED_DATA points elsewhere. */
const DATA = process.env.GENFEED_DATA ?? fileURLToPath(new URL('../../../shared/data', import.meta.url));
const absent = !existsSync(DATA);

describe('real-mode world: missing files', () => {
  it('names the missing file and the folder searched', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'genfeed-real-'));
    await expect(realWorld(empty, { fallback: shippedSummary() })).rejects.toThrow(NotFoundError);
    await expect(realWorld(empty, { fallback: shippedSummary() })).rejects.toThrow(
      `no KuaiRec small matrix (small_matrix_train.txt or small_matrix.csv) in ${empty}`,
    );
    writeFileSync(join(empty, 'small_matrix_train.txt'), '0 0 1.00\n');
    await expect(realWorld(empty, { fallback: shippedSummary() })).rejects.toThrow(
      /no KuaiRand video features \(video_features_basic_\*\.csv\)/,
    );
    await expect(realWorld(join(empty, 'nowhere'), { fallback: shippedSummary() })).rejects.toThrow(
      /is not a folder/,
    );
  });
});

describe.skipIf(absent)(`real-mode world from ${DATA}`, () => {
  it('builds 1,411 KuaiRec users x 3,327 videos with KuaiRand durations and authors and KuaiRec categories', async () => {
    const { world, sources } = await realWorld(DATA, { seed: 1 });
    expect(world.population.size).toBe(1411);
    expect(world.catalogue.size).toBe(3327);
    expect(sources.trainRows).toBe(177_789);
    expect(world.catalogue.durationMs.every((duration) => duration > 0)).toBe(true);
    expect(new Set(world.catalogue.categoryNames).size).toBe(20);
    expect(world.catalogue.captions.filter((caption) => caption !== '').length).toBeGreaterThan(3000);
    expect(world.targets.interactions).toBe(1_436_609);
    // Taste reflects real taste: it ranks the held-out test positives above the test negatives.
    const userIndex = new Map(world.population.ids.map((id, index) => [id, index]));
    const itemIndex = new Map(world.catalogue.ids.map((id, index) => [id, index]));
    const scored: Array<{ score: number; label: number }> = [];
    for await (const row of readLabeledPairs(join(DATA, 'kuairec', 'small_matrix_test.txt'))) {
      const user = userIndex.get(row.user);
      const item = itemIndex.get(row.item);
      if (user === undefined || item === undefined) continue;
      scored.push({ score: taste(world, user, item), label: row.label! >= 1 ? 1 : 0 });
    }
    expect(auc(scored)).toBeGreaterThan(0.75);
  });
});

describe.skipIf(absent)(`playground summary from ${DATA}`, () => {
  it('is what --write-summary derives from the real files (the shipped figures cannot drift)', async () => {
    expect(await deriveSummary(DATA)).toEqual(shippedSummary());
  });
});

describe.skipIf(!absent)('real-mode world', () => {
  it.skip(`skipped: the shared data folder ${DATA} is absent (set GENFEED_DATA to point at it)`, () => {});
});

/** Area under the ROC curve: the chance a random positive outscores a random negative. */
function auc(scored: Array<{ score: number; label: number }>): number {
  const sorted = [...scored].sort((a, b) => a.score - b.score);
  let negatives = 0;
  let wins = 0;
  for (const entry of sorted) {
    if (entry.label) wins += negatives;
    else negatives++;
  }
  const positives = sorted.length - negatives;
  return wins / (positives * negatives);
}
