import { describe, expect, it } from 'vitest';
import { InvalidInputError, Random } from '../core/index.js';
import type { FeedRequest } from '../feed/index.js';
import { describePipelineContract } from '../feed/test-support/pipeline-contract.js';
import { defaultShape, RewardModel } from '../reward/index.js';
import { buildCascade } from './build-cascade.js';
import { coldStartFeed, coldStartPipeline } from './cold-start-feed.js';
import { NOW, tinyCatalogue } from './test-support/tiny-catalogue.js';

const small = { quotas: { itemknn: 10, ann: 10, popular: 5, fresh: 5 }, prerankSize: 20, dim: 8 };
const { items, interactions } = tinyCatalogue();
const cascade = buildCascade({ items, interactions }, { settings: small, modelVersion: 'cascade@1' });

const request = (overrides: Partial<FeedRequest> = {}): FeedRequest => ({
  userId: 'u0',
  n: 10,
  history: interactions.get('u0')!,
  exclude: new Set<string>(),
  now: NOW,
  ...overrides,
});

function tinyRewardModel(numItems: number, numAuthors: number): RewardModel {
  const watch = {
    durationBounds: [10_000, 30_000],
    playQuantiles: [
      [0, 5_000],
      [0, 10_000],
      [0, 20_000],
    ],
  };
  return new RewardModel({ ...defaultShape, numItems, numAuthors, numCategories: 0, watch }, new Random(5));
}

describe('Cascade', () => {
  it('serves n distinct items, none excluded, hidden or consumed, and times the four stages', () => {
    const exclude = new Set(['v2', 'v4', 'v6', 'v8']);
    const result = cascade.recommend(request({ exclude }));
    const ids = result.items.map((item) => item.itemId);
    expect(ids).toHaveLength(10);
    expect(new Set(ids).size).toBe(10);
    for (const id of ids) {
      expect(exclude.has(id)).toBe(false);
      expect(id).not.toBe('v39');
      expect(interactions.get('u0')).not.toContain(id);
    }
    expect(Object.keys(result.stages)).toEqual(['recall', 'prerank', 'rank', 'filter']);
    for (const cost of Object.values(result.stages)) {
      expect(cost.cpuMs).toBeGreaterThanOrEqual(0);
      expect(cost.latencyMs).toBeGreaterThanOrEqual(0);
    }
    expect(cascade.name).toBe('cascade');
    expect(cascade.modelVersion).toBe('cascade@1');
  });

  it('never serves an excluded or hidden item even when every other item is excluded', () => {
    const keep = ['v1', 'v3'];
    const exclude = new Set(items.map((item) => item.id).filter((id) => !keep.includes(id)));
    const result = cascade.recommend(request({ history: [], exclude, n: 10 }));
    expect(result.items.map((item) => item.itemId).sort()).toEqual(keep);
  });

  it('recommends from the user taste cluster first, best score first, recording the source', () => {
    const result = cascade.recommend(request());
    const top = result.items.slice(0, 5).map((item) => Number(item.itemId.slice(1)));
    // u0 is in the cluster of items 0-19.
    expect(top.every((item) => item < 20)).toBe(true);
    const scores = result.items.map((item) => item.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    for (const item of result.items) expect(['itemknn', 'ann', 'popular', 'fresh']).toContain(item.source);
    expect(result.items[0]!.scores).toHaveProperty('prerank');
  });

  it('fits the pre-rank weights on held-out next items', () => {
    expect(cascade.parts.info.prerankExamples).toBeGreaterThan(20);
    expect(Array.from(cascade.parts.prerankWeights)).not.toEqual([1, 0, 1, 0, 0]);
    const unfitted = buildCascade({ items, interactions }, { settings: { ...small, prerankUsers: 0 } });
    expect(Array.from(unfitted.parts.prerankWeights)).toEqual([1, 0, 1, 0, 0]);
  });

  it('caps items per author, filling the tail only when the feed would be short', () => {
    const capped = buildCascade({ items, interactions }, { settings: { ...small, authorCap: 1 } });
    const feed = capped.recommend(request({ n: 8 })).items;
    const authors = feed.map((item) => items.find((candidate) => candidate.id === item.itemId)!.author);
    expect(new Set(authors).size).toBe(8);
    const long = capped.recommend(request({ n: 20 })).items;
    expect(long).toHaveLength(20);
  });

  it('gives a user with no history a feed from popular and fresh items', () => {
    const result = cascade.recommend(request({ history: [] }));
    expect(result.items).toHaveLength(10);
    expect(new Set(result.items.map((item) => item.source))).toEqual(new Set(['popular', 'fresh']));
  });

  it('drops history ids it does not know (items uploaded since the build)', () => {
    const result = cascade.recommend(request({ history: ['v0', 'brand-new'] }));
    expect(result.items).toHaveLength(10);
  });

  it('finds similar items by neighbourhood', () => {
    const similar = cascade.similar('v0', 5)!;
    expect(similar).toHaveLength(5);
    expect(similar.every((entry) => Number(entry.itemId.slice(1)) < 20)).toBe(true);
    expect(cascade.similar('nope', 5)).toBeUndefined();
  });

  it('ranks by the reward model fused score when one is given, the formula when asked', () => {
    const reward = tinyRewardModel(items.length, 8);
    const learned = buildCascade({ items, interactions, reward }, { settings: small });
    expect(learned.hasRewardModel).toBe(true);
    const result = learned.recommend(request());
    const scores = result.items.map((item) => item.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    for (const item of result.items) expect(item.score).toBe(item.scores!.rank);
    // The rank scores are not the pre-rank scores: the reward model decided the order.
    expect(result.items.some((item) => item.scores!.rank !== item.scores!.prerank)).toBe(true);
    const formula = buildCascade(
      { items, interactions, reward },
      { settings: { ...small, rewardFusion: 'formula' } },
    ).recommend(request());
    expect(formula.items.map((item) => item.score)).not.toEqual(scores);
  });

  it('refuses a reward model trained on a smaller catalogue', () => {
    expect(() => buildCascade({ items, interactions, reward: tinyRewardModel(10, 8) })).toThrow(
      /knows 10 items/,
    );
  });

  it('names the user and item of an interaction outside the catalogue, or skips it on request', () => {
    const bad = new Map([['u9', ['v1', 'ghost']]]);
    expect(() => buildCascade({ items, interactions: bad })).toThrow(InvalidInputError);
    expect(() => buildCascade({ items, interactions: bad })).toThrow(/user "u9": item "ghost"/);
    const skipped = buildCascade({ items, interactions: bad }, { skipUnknownItems: true, settings: small });
    expect(skipped.parts.info.skippedInteractions).toBe(1);
  });

  it('rejects bad settings naming the field', () => {
    expect(() => buildCascade({ items, interactions }, { settings: { prerankSize: 0 } })).toThrow(
      /prerankSize/,
    );
    expect(() => buildCascade({ items, interactions }, { settings: { quotas: { ann: -1 } } })).toThrow(
      /quotas\.ann/,
    );
  });
});

describe('coldStartFeed', () => {
  it('mixes popular and fresh items, without excluded, hidden or consumed ones', () => {
    const exclude = new Set(['v38', 'v37']);
    const result = coldStartFeed(cascade, request({ history: ['v36'], exclude }), { freshShare: 0.5 });
    const ids = result.items.map((item) => item.itemId);
    expect(ids).toHaveLength(10);
    expect(new Set(ids).size).toBe(10);
    for (const id of ['v39', 'v38', 'v37', 'v36']) expect(ids).not.toContain(id);
    const fresh = result.items.filter((item) => item.source === 'fresh').length;
    expect(fresh).toBe(5);
    // The newest servable upload comes first among the fresh ones.
    expect(result.items.find((item) => item.source === 'fresh')!.itemId).toBe('v35');
    expect(Object.keys(result.stages)).toEqual(['recall', 'filter']);
  });

  it('is a pipeline named coldstart', () => {
    const pipeline = coldStartPipeline(cascade);
    expect(pipeline.name).toBe('coldstart');
    expect(pipeline.recommend(request({ history: [] })).items).toHaveLength(10);
  });
});

describePipelineContract('cascade', async () => ({
  pipeline: buildCascade({ items, interactions }, { settings: small }),
  itemIds: items.filter((item) => !item.hidden).map((item) => item.id),
  history: interactions.get('u0')!,
}));
