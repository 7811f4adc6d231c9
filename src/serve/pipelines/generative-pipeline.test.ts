import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { describePipelineContract } from '../../feed/test-support/pipeline-contract.js';
import { type GenerativeRecommender, loadModelDirectory } from '../../generative/index.js';
import type { ItemRecord } from '../../storage/index.js';
import { tinyReward } from '../test-support/tiny-reward.js';
import { GenerativePipeline } from './generative-pipeline.js';
import {
  catalogueRecords,
  itemIds,
  PER_TOPIC,
  writeGenerativeModel,
  writeSasRecModel,
} from './test-support/tiny-world.js';

const catalogue = catalogueRecords();

const request = (history: string[], exclude: string[] = [], n = 5) => ({
  userId: 'u',
  n,
  history,
  exclude: new Set(exclude),
  now: 0,
});

let root = '';
let generativeDir = '';
let sasrecSaved: Awaited<ReturnType<typeof loadModelDirectory>> | undefined;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'genfeed-generative-pipeline-'));
  generativeDir = await writeGenerativeModel(join(root, 'generative'));
  sasrecSaved = await loadModelDirectory(await writeSasRecModel(join(root, 'sasrec')));
}, 60_000);
afterAll(() => rm(root, { recursive: true, force: true }));

describe('GenerativePipeline', () => {
  it('returns n distinct real items, none excluded or consumed, with timed encode/beam/filter stages', async () => {
    const { pipeline, coldStart } = GenerativePipeline.build(
      await loadModelDirectory(generativeDir),
      catalogue,
      {
        modelVersion: 'generative@1',
      },
    );
    expect(coldStart.placed).toHaveLength(0);
    expect(pipeline.modelVersion).toBe('generative@1');
    const real = new Set(itemIds);
    for (let topic = 0; topic < 4; topic++) {
      const history = [0, 1, 2].map((i) => itemIds[topic * PER_TOPIC + i]!);
      const exclude = [itemIds[topic * PER_TOPIC + 3]!, itemIds[(topic + 1) * PER_TOPIC - 1]!];
      const result = pipeline.recommend(request(history, exclude, 8));
      const ids = result.items.map((item) => item.itemId);
      expect(ids).toHaveLength(8);
      expect(new Set(ids).size).toBe(8);
      for (const id of ids) {
        expect(real.has(id)).toBe(true);
        expect(exclude).not.toContain(id);
        expect(history).not.toContain(id);
      }
      // Scores are beam log-probabilities, best first.
      const scores = result.items.map((item) => item.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      expect(Object.keys(result.stages)).toEqual(['encode', 'beam', 'filter']);
      for (const cost of Object.values(result.stages)) expect(cost.latencyMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('serves what the recommender generates (one generation path: SavedModel.recommend agrees)', async () => {
    const saved = await loadModelDirectory(generativeDir);
    const { pipeline } = GenerativePipeline.build(await loadModelDirectory(generativeDir), catalogue);
    for (let topic = 0; topic < 4; topic++) {
      const history = [0, 1, 2].map((i) => itemIds[topic * PER_TOPIC + i]!);
      const expected = saved.recommend(history, 6).items;
      const got = pipeline.recommend(request(history, [], 6)).items;
      expect(got.map((item) => item.itemId)).toEqual(expected.map((item) => item.itemId));
      for (const [i, item] of got.entries()) expect(item.score).toBeCloseTo(expected[i]!.score, 5);
    }
    // The tiny model learned the sequences: after 0, 1 of a topic comes 2.
    const next = pipeline.recommend(request(['video-0', 'video-1'], [], 1)).items[0]!;
    expect(next.itemId).toBe('video-2');
  });

  it('returns fewer than n when the exclusions leave fewer items, and never an item outside the catalogue', async () => {
    const partial = catalogue.filter((item) => item.id !== 'video-5');
    const { pipeline } = GenerativePipeline.build(await loadModelDirectory(generativeDir), partial);
    expect(pipeline.knows('video-5')).toBe(false);
    const keep = ['video-3', 'video-5', 'video-7'];
    const result = pipeline.recommend(
      request(
        [],
        itemIds.filter((id) => !keep.includes(id)),
        5,
      ),
    );
    expect(result.items.map((item) => item.itemId).sort()).toEqual(['video-3', 'video-7']);
  });

  it('logs cold start only when it placed an item, not on every refresh that placed none', async () => {
    const info = vi.fn();
    const debug = vi.fn();
    const logger = { info, debug, warn: vi.fn(), error: vi.fn() };
    const { pipeline } = GenerativePipeline.build(await loadModelDirectory(generativeDir), catalogue, {
      logger,
    });
    const lonely: ItemRecord = {
      ...catalogue[0]!,
      id: 'never-placeable',
      author: 'nobody',
      caption: 'zzz',
      tags: ['never-seen'],
      categories: ['nowhere'],
    };
    info.mockClear();
    // The feed service hands the whole catalogue over at every refresh: nothing new to place, twice.
    pipeline.addItems([...catalogue, lonely]);
    pipeline.addItems([...catalogue, lonely]);
    expect(info).not.toHaveBeenCalled();
    pipeline.addItems([...catalogue, lonely, { ...catalogue[PER_TOPIC]!, id: 'placeable', uploadTime: 1 }]);
    expect(info).toHaveBeenCalledTimes(1);
    expect(info.mock.calls[0]![0]).toMatch(/cold start placed 1 new item\(s\) .*1 unplaced/);
  });

  it('load warms the model with made-up feeds before it returns, and a partial catalogue keeps them servable', async () => {
    const debug = vi.fn();
    const logger = { info: vi.fn(), debug, warn: vi.fn(), error: vi.fn() };
    const partial = catalogue.filter((item) => item.id !== 'video-5');
    const saved = await loadModelDirectory(generativeDir);
    const generate = vi.spyOn(saved.recommender as GenerativeRecommender, 'generate');
    const { pipeline } = await GenerativePipeline.load(saved, partial, { logger, warmUpCalls: 7 });
    expect(generate).toHaveBeenCalledTimes(7);
    // Made-up histories: catalogue items only, of growing lengths.
    const lengths = generate.mock.calls.map(([history]) => history.length);
    expect(new Set(lengths).size).toBeGreaterThan(1);
    const absent = itemIds.indexOf('video-5');
    for (const [history] of generate.mock.calls) expect(Array.from(history)).not.toContain(absent);
    expect(debug.mock.calls.some(([line]) => /7 warm-up feeds, first .* ms, last .* ms/.test(line))).toBe(
      true,
    );
    // The warm-up left nothing behind: a request is answered as by a pipeline that never warmed.
    const { pipeline: cold } = GenerativePipeline.build(await loadModelDirectory(generativeDir), partial);
    const history = ['video-0', 'video-1'];
    expect(pipeline.recommend(request(history)).items).toEqual(cold.recommend(request(history)).items);
    expect(await pipeline.warmUp(3)).toHaveLength(3);
    const none = await GenerativePipeline.load(await loadModelDirectory(generativeDir), partial, {
      warmUpCalls: 0,
    });
    expect(none.pipeline.itemCount).toBe(pipeline.itemCount);
  });

  it('places a cold-start item from its content, extends the trie, and generates it', async () => {
    const { pipeline } = GenerativePipeline.build(await loadModelDirectory(generativeDir), catalogue);
    const fresh: ItemRecord = {
      ...catalogue[PER_TOPIC]!,
      id: 'new-topic-1',
      caption: 'brand new',
      uploadTime: 1,
    };
    const lonely: ItemRecord = {
      ...catalogue[0]!,
      id: 'new-unrelated',
      author: 'nobody',
      caption: 'zzz',
      tags: ['never-seen'],
      categories: ['nowhere'],
    };
    const summary = pipeline.addItems([...catalogue, fresh, lonely]);
    expect(summary.placed.map((p) => p.itemId)).toEqual(['new-topic-1']);
    expect(summary.unplaced).toEqual([
      { itemId: 'new-unrelated', reason: 'shares no content feature with a trained item' },
    ]);
    // Its codes are those of its content neighbours (topic 1 items).
    const placed = summary.placed[0]!;
    const neighbourPaths = itemIds
      .slice(PER_TOPIC, 2 * PER_TOPIC)
      .map((id) => pipeline.semanticIdOf(id)!.slice(0, 2).join(','));
    expect(neighbourPaths).toContain(placed.semanticId.slice(0, 2).join(','));
    expect(placed.collided).toBe(placed.semanticId[2]! > 0);
    expect(pipeline.knows('new-topic-1')).toBe(true);
    // With every other item excluded the beam can only finish on the new one: it is generable.
    const result = pipeline.recommend(request(['video-6', 'video-7'], itemIds, 3));
    expect(result.items.map((item) => item.itemId)).toEqual(['new-topic-1']);
    expect(result.items[0]!.source).toBe('beam-cold');
    // Adding the same catalogue again places nothing twice.
    expect(pipeline.addItems([...catalogue, fresh]).placed).toHaveLength(0);
    // And it can be in a history.
    expect(pipeline.recommend(request(['new-topic-1'], [], 4)).items).toHaveLength(4);
  });

  it('similar: nearest items by codebook reconstruction, undefined for an unknown item', async () => {
    const { pipeline } = GenerativePipeline.build(await loadModelDirectory(generativeDir), catalogue);
    const similar = pipeline.similar('video-0', 5)!;
    expect(similar).toHaveLength(5);
    expect(similar.map((s) => s.itemId)).not.toContain('video-0');
    const sameTopic = similar.filter((s) => itemIds.indexOf(s.itemId) < PER_TOPIC).length;
    expect(sameTopic).toBeGreaterThanOrEqual(3);
    expect(pipeline.similar('nope', 5)).toBeUndefined();
  });

  it('rejects a model trained on another catalogue, or a SASRec directory', async () => {
    const saved = await loadModelDirectory(generativeDir);
    const foreign = catalogue.map((item) => ({ ...item, id: `other-${item.id}` }));
    expect(() => GenerativePipeline.build(saved, foreign)).toThrow(
      /none of its 24 items is in the catalogue of 24 \(trained on another catalogue\?\)/,
    );
    expect(() => GenerativePipeline.build(sasrecSaved!, catalogue)).toThrow(/holds a "sasrec" model/);
  });
});

describe('GenerativePipeline with a reward rerank', () => {
  it('orders the beam candidates by the reward model: what the logs liked comes first', async () => {
    const saved = await loadModelDirectory(generativeDir);
    const reward = tinyReward(itemIds.length);
    const plain = GenerativePipeline.build(saved, catalogue, { beamWidth: itemIds.length }).pipeline;
    const reranked = GenerativePipeline.build(saved, catalogue, {
      beamWidth: itemIds.length,
      reward,
    }).pipeline;
    let goodPlain = 0;
    let goodReranked = 0;
    for (let topic = 0; topic < 4; topic++) {
      const history = [1, 2].map((i) => itemIds[topic * PER_TOPIC + i]!);
      const exclude = [itemIds[topic * PER_TOPIC + 3]!];
      const before = plain.recommend(request(history, exclude, 4));
      const after = reranked.recommend(request(history, exclude, 4));
      expect(Object.keys(after.stages)).toEqual(['encode', 'beam', 'filter', 'rerank']);
      const ids = after.items.map((item) => item.itemId);
      expect(ids).toHaveLength(4);
      expect(new Set(ids).size).toBe(4);
      for (const id of ids) {
        expect(exclude).not.toContain(id);
        expect(history).not.toContain(id);
      }
      // Ordered by the reward score; the beam's log-probability is kept beside it.
      const scores = after.items.map((item) => item.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      for (const item of after.items) {
        expect(item.scores?.reward).toBe(item.score);
        expect(Number.isFinite(item.scores?.beam)).toBe(true);
      }
      const good = (items: { itemId: string }[]) =>
        items.filter((item) => itemIds.indexOf(item.itemId) % 3 === 0).length;
      goodPlain += good(before.items);
      goodReranked += good(after.items);
    }
    // 4 requests x 4 items; every third item is good, so a blind order finds about 5.
    expect(goodReranked).toBeGreaterThanOrEqual(12);
    expect(goodReranked).toBeGreaterThan(goodPlain);
  }, 60_000);

  it('rejects a reward model that knows fewer items than the generative model', async () => {
    const saved = await loadModelDirectory(generativeDir);
    expect(() =>
      GenerativePipeline.build(saved, catalogue, { reward: tinyReward(itemIds.length - 1) }),
    ).toThrow(/reward model knows 23 items, the generative model 24/);
  }, 60_000);
});

let built = 0;
describePipelineContract('generative', async ({ seed }) => {
  const dir = await writeGenerativeModel(join(root, `contract-${built++}`), { seed });
  const { pipeline } = GenerativePipeline.build(await loadModelDirectory(dir), catalogue);
  const newItem = { ...catalogue[PER_TOPIC]!, id: 'new-topic-1', caption: 'brand new', uploadTime: 1 };
  return { pipeline, itemIds, history: itemIds.slice(0, 3), newItem };
});
