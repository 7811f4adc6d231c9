/**
 * The cascade at one catalogue size (issue 18, stage 1 skeleton of `bench:scale`):
 * a scaled playground world and its logged traffic, the cascade's parts fitted
 * once, then a sweep of knob settings (recall size, pre-rank model and keep
 * size, rank model) measured on sampled users: CPU ms per request per stage,
 * p50 / p99 of a request's CPU and wall time (closed loop, one request at a
 * time), and offline quality against the simulator's truth.
 *
 *   npx tsc -p bench/scale/tsconfig.json
 *   ln -sfn ../../../../src/simulate/playground-summary.json dist/bench-scale/src/simulate/playground-summary.json
 *   node dist/bench-scale/bench/scale/cascade-scale.js [items=2000] [users=300]
 *
 * Quality (one measure for every pipeline): the mean expected hidden
 * satisfaction (`expectedSatisfaction`) of the 20 served videos, and
 * truthRecall@20 = the share of the user's 20 highest-taste unseen videos
 * that the feed serves. Writes bench/scale/results/cascade-<items>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  Cascade,
  type CascadeParts,
  type CascadeSettings,
  Catalogue,
  fitCascadeParts,
  fitTargetAttention,
  resolveCascadeConfig,
  trainTwoTower,
} from '../../src/cascade/index.js';
import { Random } from '../../src/core/index.js';
import { expectedSatisfaction, scaledLog, scaledWorld, tasteTruth } from '../../src/simulate/index.js';
import { setThreads } from '../../src/tensor/index.js';

const size = Number(process.argv[2] ?? 2000);
const evalUsers = Number(process.argv[3] ?? 300);
const N = 20;
setThreads(1); // serving is measured on one core
const log = (line: string) => process.stderr.write(`${line}\n`);
const seconds = (from: number) => ((performance.now() - from) / 1000).toFixed(1);

let started = performance.now();
const world = scaledWorld(size);
const traffic = scaledLog(world);
log(
  `world ${size} videos, ${world.population.size} users, ${traffic.log.size} impressions: ${seconds(started)} s`,
);

const { catalogue: videos } = world;
const catalogue = new Catalogue(
  videos.ids.map((id, item) => ({
    id,
    author: videos.authorIds[videos.author[item]!]!,
    category: videos.categoryNames[videos.category[item]!]!,
    durationMs: videos.durationMs[item]!,
    uploadedAt: Date.parse(`${videos.uploadDates[item]}T12:00:00Z`),
  })),
);
const now = Math.max(...catalogue.uploadedAt) + 3_600_000;

// Parts fitted once; every knob setting is a new Cascade over them.
started = performance.now();
const base = resolveCascadeConfig({ prerankUsers: 2000 });
const parts: CascadeParts = fitCascadeParts(catalogue, traffic.sequences, base);
const statisticsSeconds = seconds(started);
started = performance.now();
const side = { author: catalogue.author, category: catalogue.category };
const twoTower = trainTwoTower(
  traffic.sequences,
  {
    numItems: catalogue.size,
    numAuthors: catalogue.authorNames.length,
    numCategories: catalogue.categoryNames.length,
    side,
  },
  { ...base.twoTower, seed: base.seed },
);
parts.twoTower = { model: twoTower.model, itemVectors: twoTower.model.itemVectors(side) };
const twoTowerSeconds = seconds(started);
started = performance.now();
parts.rankModel = fitTargetAttention(catalogue, traffic.log, base);
const rankSeconds = seconds(started);
log(
  `fit: statistics + linear pre-rank ${statisticsSeconds} s, two-tower ${twoTowerSeconds} s, target attention ${rankSeconds} s`,
);

// Evaluation users: a seeded sample with a history; their truth excludes everything they were shown.
const random = new Random(17);
const seen: number[][] = Array.from({ length: world.population.size }, () => []);
for (let k = 0; k < traffic.log.size; k++) seen[traffic.log.user[k]!]!.push(traffic.log.item[k]!);
const candidates = traffic.sequences.flatMap((sequence, user) => (sequence.length > 0 ? [user] : []));
const users = Array.from(
  { length: Math.min(evalUsers, candidates.length) },
  () => candidates[random.int(candidates.length)]!,
);
const truths = users.map((user) => new Set(tasteTruth(world, user, N, seen[user]!)));

const recallSplit = (total: number) => ({
  itemknn: Math.round(0.4 * total),
  ann: Math.round(0.4 * total),
  popular: Math.round(0.15 * total),
  fresh: Math.round(0.05 * total),
});
const settings: Array<{ label: string; settings: CascadeSettings }> = [];
for (const recall of [1000, 3000])
  for (const prerankModel of ['linear', 'two-tower'] as const)
    for (const prerankSize of [100, 300])
      for (const rankModel of ['none', 'target-attention'] as const)
        settings.push({
          label: `recall ${recall}, ${prerankModel} keep ${prerankSize}, rank ${rankModel}`,
          settings: {
            quotas: recallSplit(recall),
            prerankSize,
            prerankModel,
            rankModel: rankModel === 'none' ? 'reward' : rankModel,
          },
        });

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
};
const points = settings.map(({ label, settings: knobs }) => {
  const config = resolveCascadeConfig({ ...base, ...knobs });
  const { rankModel, ...rest } = parts;
  const cascade = new Cascade({
    ...rest,
    ...(config.rankModel === 'target-attention' && { rankModel }),
    config,
  });
  const stageCpu: Record<string, number> = {};
  const requestCpu: number[] = [];
  const requestWall: number[] = [];
  let satisfaction = 0;
  let truthHits = 0;
  users.forEach((user, k) => {
    const history = Array.from(traffic.sequences[user]!, (item) => String(item));
    const exclude = new Set(seen[user]!.map(String));
    const wall = performance.now();
    const result = cascade.recommend({ userId: String(user), n: N, history, exclude, now });
    requestWall.push(performance.now() - wall);
    let cpu = 0;
    for (const [stage, cost] of Object.entries(result.stages)) {
      stageCpu[stage] = (stageCpu[stage] ?? 0) + cost.cpuMs;
      cpu += cost.cpuMs;
    }
    requestCpu.push(cpu);
    for (const served of result.items) {
      const item = Number(served.itemId);
      satisfaction += expectedSatisfaction(world, user, item) / N;
      if (truths[k]!.has(item)) truthHits++;
    }
  });
  const point = {
    label,
    settings: knobs,
    cpuMsPerRequest: requestCpu.reduce((a, b) => a + b, 0) / users.length,
    stagesCpuMs: Object.fromEntries(
      Object.entries(stageCpu).map(([stage, ms]) => [stage, ms / users.length]),
    ),
    p50CpuMs: percentile(requestCpu, 0.5),
    p99CpuMs: percentile(requestCpu, 0.99),
    p50WallMs: percentile(requestWall, 0.5),
    p99WallMs: percentile(requestWall, 0.99),
    quality: satisfaction / users.length,
    truthRecall: truthHits / (N * users.length),
  };
  log(
    `${label}: ${point.cpuMsPerRequest.toFixed(2)} CPU ms/request (${Object.entries(point.stagesCpuMs)
      .map(([stage, ms]) => `${stage} ${ms.toFixed(2)}`)
      .join(
        ', ',
      )}), p99 ${point.p99CpuMs.toFixed(2)}, satisfaction ${point.quality.toFixed(4)}, truth recall@20 ${point.truthRecall.toFixed(4)}`,
  );
  return point;
});

// Quality of a random feed and of the truth itself, to read the figures against.
let randomSatisfaction = 0;
let truthSatisfaction = 0;
users.forEach((user, k) => {
  for (let j = 0; j < N; j++) randomSatisfaction += expectedSatisfaction(world, user, random.int(size)) / N;
  for (const item of truths[k]!) truthSatisfaction += expectedSatisfaction(world, user, item) / N;
});
const out = fileURLToPath(new URL(`../../../../bench/scale/results/cascade-${size}.json`, import.meta.url));
mkdirSync(fileURLToPath(new URL('../../../../bench/scale/results/', import.meta.url)), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify(
    {
      items: size,
      users: world.population.size,
      impressions: traffic.log.size,
      evalUsers: users.length,
      fitSeconds: {
        statistics: Number(statisticsSeconds),
        twoTower: Number(twoTowerSeconds),
        targetAttention: Number(rankSeconds),
      },
      reference: {
        randomSatisfaction: randomSatisfaction / users.length,
        truthSatisfaction: truthSatisfaction / users.length,
      },
      points,
      measured: new Date().toISOString(),
    },
    null,
    2,
  )}\n`,
);
log(`wrote ${out}`);
