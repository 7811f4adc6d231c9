import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describePipelineContract } from '../../feed/test-support/pipeline-contract.js';
import { loadModelDirectory } from '../../generative/index.js';
import { SasRecPipeline } from './sasrec-pipeline.js';
import { catalogueRecords, itemIds, writeSasRecModel } from './test-support/tiny-world.js';

const catalogue = catalogueRecords();
let root = '';
let built = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'genfeed-sasrec-pipeline-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const pipelineOf = async (seed = 3, records = catalogue) =>
  new SasRecPipeline(
    await loadModelDirectory(await writeSasRecModel(join(root, `sasrec-${built++}`), { seed })),
    records,
  );

describe('SasRecPipeline', () => {
  it('returns n distinct real items, none excluded, hidden or consumed', async () => {
    const hidden = catalogue.map((item) => (item.id === 'video-2' ? { ...item, hidden: true } : item));
    const pipeline = await pipelineOf(3, hidden);
    const history = ['video-0', 'video-1'];
    const result = pipeline.recommend({ userId: 'u', n: 10, history, exclude: new Set(['video-3']), now: 0 });
    const ids = result.items.map((item) => item.itemId);
    expect(ids).toHaveLength(10);
    expect(new Set(ids).size).toBe(10);
    for (const id of ['video-0', 'video-1', 'video-2', 'video-3']) expect(ids).not.toContain(id);
    expect(Object.keys(result.stages)).toEqual(['encode', 'score', 'filter']);
    expect(pipeline.similar('video-4', 3)).toHaveLength(3);
    expect(pipeline.similar('nope', 3)).toBeUndefined();
  }, 60_000);
});

describePipelineContract('sasrec', async ({ seed }) => ({
  pipeline: await pipelineOf(seed),
  itemIds,
  history: itemIds.slice(0, 3),
}));
