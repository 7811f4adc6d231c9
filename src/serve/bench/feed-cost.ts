/**
 * CPU and wall ms per request of the generative feed (and the cold-start feed)
 * on Amazon Beauty: 22k users' sequences, 12k items. The model is the demo's
 * small preset (d64 lazy decoder, 3 x 32 semantic IDs, beam 10) trained for one
 * epoch: beam search costs the same whatever the weights. The 200 items that
 * appear last in the file are held out of training and enter as cold-start
 * items (content = their attribute ids as tags), so placement is measured too.
 * Run from the repository root, without a build (the storage tests' TypeScript loader):
 *   node --import "data:text/javascript,import{register}from'node:module';register('file://$PWD/src/storage/test-support/typescript-loader.mjs')" \
 *     src/serve/bench/feed-cost.ts [dataRoot] [requests]
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random, silentLogger, silentProgress } from '../../core/index.js';
import { readSequences } from '../../data/index.js';
import type { StageCost } from '../../feed/index.js';
import {
  GenerativeRecommender,
  generativeSpec,
  loadModelDirectory,
  saveModelDirectory,
} from '../../generative/index.js';
import type { ItemRecord } from '../../storage/index.js';
import { ColdStartPipeline } from '../pipelines/coldstart-pipeline.js';
import { GenerativePipeline } from '../pipelines/generative-pipeline.js';

const print = (line: string): void => void process.stdout.write(`${line}\n`);
const dataRoot = process.argv[2] ?? fileURLToPath(new URL('../../../../shared/data', import.meta.url));
const requests = Number(process.argv[3] ?? 500);

const sequencesById = new Map<string, string[]>();
for await (const row of readSequences(join(dataRoot, 'amazon-beauty/Beauty.txt'))) {
  const list = sequencesById.get(row.user) ?? [];
  list.push(row.item);
  sequencesById.set(row.user, list);
}
const attributes = JSON.parse(
  await readFile(join(dataRoot, 'amazon-beauty/Beauty_item2attributes.json'), 'utf8'),
) as Record<string, number[]>;
const allItems = [...new Set([...sequencesById.values()].flat())];
const held = new Set(allItems.slice(-200));
const trainedIds = allItems.filter((id) => !held.has(id));
const index = new Map(trainedIds.map((id, i) => [id, i]));
const sequences = [...sequencesById.values()]
  .map((items) => Int32Array.from(items.filter((id) => index.has(id)).map((id) => index.get(id)!)))
  .filter((sequence) => sequence.length > 0);

const params = {
  ...generativeSpec.defaults,
  dim: 64,
  heads: 2,
  layers: 2,
  epochs: 1,
  decayEpochs: 1,
  batchSize: 64,
  codebookSize: 32,
  levels: 3,
  maxItems: 30,
  beamWidth: 10,
};
let started = performance.now();
const model = new GenerativeRecommender(params);
await model.fit(
  { numUsers: sequences.length, numItems: trainedIds.length, sequences },
  { random: new Random(1), logger: silentLogger, progress: silentProgress },
);
const folder = await mkdtemp(join(tmpdir(), 'genfeed-feed-cost-'));
await saveModelDirectory(join(folder, 'model'), model, {
  model: 'generative',
  params: model.params,
  dataset: { name: 'amazon-beauty', fingerprint: '0'.repeat(64), users: sequences.length, interactions: 0 },
  fitOn: 'all',
  itemIds: trainedIds,
  seed: 1,
  trainSeconds: (performance.now() - started) / 1000,
  genfeedVersion: 'bench',
});
print(
  `trained 1 epoch on ${sequences.length} users, ${trainedIds.length} items in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);

const catalogue: ItemRecord[] = allItems.map((id, i) => ({
  id,
  hashtags: [],
  categories: [],
  tags: (attributes[id] ?? []).map(String),
  uploadTime: i,
  aiGenerated: false,
  hidden: false,
  updatedAt: 0,
}));
// What a hot swap costs the requests in flight: the longest the event loop was blocked while loading.
let longestGap = 0;
let last = performance.now();
const probe = setInterval(() => {
  const now = performance.now();
  longestGap = Math.max(longestGap, now - last);
  last = now;
}, 1);
started = performance.now();
const saved = await loadModelDirectory(join(folder, 'model'));
const loadMs = performance.now() - started;
started = performance.now();
const { pipeline, coldStart } = await GenerativePipeline.load(saved, catalogue);
const buildMs = performance.now() - started;
clearInterval(probe);
print(
  `load ${loadMs.toFixed(0)} ms, build + cold start ${buildMs.toFixed(0)} ms (event loop blocked at most ${longestGap.toFixed(0)} ms at a time): ${coldStart.placed.length} of ${held.size} new items placed (${coldStart.placed.filter((p) => p.collided).length} on a used path), ${coldStart.unplaced.length} unplaced`,
);
await rm(folder, { recursive: true, force: true });

const coldStartFeed = new ColdStartPipeline({
  popular: allItems.slice(0, 500).map((itemId, i) => ({ itemId, events: 500 - i, playTimeMs: 0 })),
  fresh: [...catalogue].reverse().slice(0, 500),
  catalogue,
});
const users = [...sequencesById.values()];
const random = new Random(2);
for (const [name, run] of [
  [
    'generative',
    (history: string[], exclude: Set<string>) =>
      pipeline.recommend({ userId: 'u', n: 10, history, exclude, now: 0 }),
  ],
  [
    'coldstart',
    (history: string[], exclude: Set<string>) =>
      coldStartFeed.recommend({ userId: 'u', n: 10, history, exclude, now: 0 }),
  ],
] as const) {
  const totals: Record<string, StageCost> = {};
  const latencies: number[] = [];
  for (let r = 0; r < requests; r++) {
    const history = users[random.int(users.length)]!.slice(-30);
    const exclude = new Set(history.slice(-20));
    const begin = performance.now();
    const result = run(history, exclude);
    latencies.push(performance.now() - begin);
    for (const [stage, cost] of Object.entries(result.stages)) {
      const sum = totals[stage] ?? { latencyMs: 0, cpuMs: 0 };
      sum.latencyMs += cost.latencyMs;
      sum.cpuMs += cost.cpuMs;
      totals[stage] = sum;
    }
  }
  latencies.sort((a, b) => a - b);
  const cpu = Object.values(totals).reduce((sum, cost) => sum + cost.cpuMs, 0) / requests;
  print(
    `${name}: ${requests} requests, cpu ${cpu.toFixed(2)} ms/request (${Object.entries(totals)
      .map(([stage, cost]) => `${stage} ${(cost.cpuMs / requests).toFixed(2)}`)
      .join(
        ', ',
      )}), p50 ${latencies[Math.floor(requests / 2)]!.toFixed(2)} ms, p99 ${latencies[Math.ceil(requests * 0.99) - 1]!.toFixed(2)} ms`,
  );
}
