import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError, Random } from '../core/index.js';
import type { FeedRequest } from '../feed/index.js';
import { type ImpressionLog, ImpressionLogBuilder } from '../reward/index.js';
import { buildCascade } from './build-cascade.js';
import { resolveCascadeConfig } from './cascade-config.js';
import { loadCascade, saveCascade } from './cascade-directory.js';
import { NOW, tinyCatalogue } from './test-support/tiny-catalogue.js';

const { items, interactions } = tinyCatalogue();
const clusterOf = (item: number) => (item < 20 ? 0 : 1);

/** Pages of 6 random items per tiny-catalogue user; a user clicks, long-views and likes its own cluster's items. */
function clusterImpressions(): ImpressionLog {
  const random = new Random(8);
  const builder = new ImpressionLogBuilder(60, items.length);
  let request = 0;
  for (let user = 0; user < 60; user++) {
    for (let page = 0; page < 6; page++, request++) {
      for (let position = 0; position < 6; position++) {
        const item = random.int(39);
        const liked = clusterOf(item) === user % 2 ? 1 : 0;
        builder.push({
          user,
          item,
          request,
          position,
          day: 0,
          hour: 12,
          durationMs: items[item]!.durationMs!,
          playTimeMs: liked ? items[item]!.durationMs! : 500,
          signals: [liked, liked, liked, 0, 0, 0, 0, 0],
        });
      }
    }
  }
  return builder.build();
}

const settings = {
  quotas: { itemknn: 10, ann: 10, popular: 10, fresh: 5 },
  prerankSize: 20,
  dim: 8,
  prerankModel: 'two-tower' as const,
  twoTower: { dim: 8, historyLength: 4, epochs: 20, batchSize: 32 },
  rankModel: 'target-attention' as const,
  targetAttention: { dim: 8, hidden: 16, attentionHidden: 8, historyLength: 6, epochs: 20, batchSize: 64 },
};
const cascade = buildCascade({ items, interactions, impressions: clusterImpressions() }, { settings });
const root = mkdtempSync(join(tmpdir(), 'genfeed-cascade-models-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const feed = (userId: string, from = cascade) => {
  const request: FeedRequest = {
    userId,
    n: 10,
    history: interactions.get(userId)!,
    exclude: new Set(),
    now: NOW,
  };
  return from.recommend(request).items;
};

describe('cascade with the two-tower pre-rank and the target-attention ranker', () => {
  it("serves each user's own cluster: at least 9 of 10 items", () => {
    for (const user of [0, 1, 2, 3, 10, 11]) {
      const ids = feed(`u${user}`).map((item) => Number(item.itemId.slice(1)));
      expect(new Set(ids).size).toBe(10);
      expect(ids.filter((item) => clusterOf(item) === user % 2).length).toBeGreaterThanOrEqual(9);
    }
  });

  it('ranks by the target-attention score: served scores are the rank scores, best first', () => {
    const served = feed('u4');
    for (let k = 1; k < served.length; k++)
      expect(served[k]!.score).toBeLessThanOrEqual(served[k - 1]!.score);
    for (const item of served) expect(item.scores!.rank).toBe(item.score);
    // The formula over nine probabilities: not the pre-rank's dot product.
    expect(served.some((item) => item.scores!.rank !== item.scores!.prerank)).toBe(true);
  });

  it('saves both models and serves the same feeds after loading', async () => {
    const dir = join(root, 'models');
    await saveCascade(cascade, dir);
    const loaded = await loadCascade(dir);
    expect(loaded.config.prerankModel).toBe('two-tower');
    for (const user of ['u0', 'u5']) expect(feed(user, loaded)).toEqual(feed(user));
  });

  it('refuses the target-attention ranker without impressions to train on', () => {
    expect(() =>
      buildCascade({ items, interactions }, { settings: { ...settings, prerankModel: 'linear' } }),
    ).toThrow(InvalidInputError);
  });

  it('bounds the knobs, naming the field', () => {
    expect(() => resolveCascadeConfig({ prerankSize: 6000 })).toThrow(/prerankSize/);
    expect(() => resolveCascadeConfig({ quotas: { itemknn: 15_000, ann: 6_000 } })).toThrow(/quotas/);
    expect(() => resolveCascadeConfig({ twoTower: { dim: 2 } })).toThrow(/twoTower.dim/);
    expect(() => resolveCascadeConfig({ targetAttention: { hidden: 2048 } })).toThrow(
      /targetAttention.hidden/,
    );
    const production = resolveCascadeConfig({
      quotas: { itemknn: 1500, ann: 1500, popular: 500, fresh: 500 },
      prerankSize: 300,
    });
    expect(production.prerankModel).toBe('linear');
    expect(production.rankModel).toBe('reward');
  });
});
