/**
 * CPU and wall ms per request of each cascade stage on Amazon Beauty's catalogue
 * and sequences (22k users, 12k items), with the pre-rank score ranking and with
 * a reward model of the default shape in the rank stage (randomly initialised:
 * its cost does not depend on its weights). Run from the repository root:
 *   npm run build && node dist/cascade/bench/cascade-cost.js [dataRoot] [requests]
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random } from '../../core/index.js';
import { readSequences } from '../../data/index.js';
import type { StageCost } from '../../feed/index.js';
import { defaultShape, RewardModel } from '../../reward/index.js';
import { buildCascade } from '../build-cascade.js';
import type { Cascade } from '../cascade.js';

const dataRoot = process.argv[2] ?? fileURLToPath(new URL('../../../../shared/data', import.meta.url));
const requests = Number(process.argv[3] ?? 2000);

const interactions = new Map<string, string[]>();
for await (const row of readSequences(join(dataRoot, 'amazon-beauty/Beauty.txt'))) {
  const list = interactions.get(row.user) ?? [];
  list.push(row.item);
  interactions.set(row.user, list);
}
const itemIds = [...new Set([...interactions.values()].flat())];
const random = new Random(1);
const now = Date.UTC(2026, 0, 1);
const items = itemIds.map((id, index) => ({
  id,
  author: `creator${index % 2000}`,
  uploadedAt: now - random.int(90 * 24) * 3_600_000,
  durationMs: 5_000 + random.int(60_000),
}));

function measure(label: string, cascade: Cascade): void {
  const users = [...interactions.keys()];
  const totals: Record<string, StageCost> = {};
  const started = performance.now();
  for (let k = 0; k < requests; k++) {
    const userId = users[(k * 7919) % users.length]!;
    const history = interactions.get(userId)!;
    const result = cascade.recommend({ userId, n: 20, history, exclude: new Set(), now });
    for (const [stage, cost] of Object.entries(result.stages)) {
      const total = totals[stage] ?? { latencyMs: 0, cpuMs: 0 };
      total.latencyMs += cost.latencyMs;
      total.cpuMs += cost.cpuMs;
      totals[stage] = total;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const cells = Object.entries(totals).map(
    ([stage, cost]) =>
      `${stage} ${(cost.cpuMs / requests).toFixed(3)} cpu / ${(cost.latencyMs / requests).toFixed(3)} wall`,
  );
  const cpu = Object.values(totals).reduce((sum, cost) => sum + cost.cpuMs, 0) / requests;
  process.stdout.write(
    `${label}: ${cells.join(', ')}; total ${cpu.toFixed(3)} cpu ms/request; ${(requests / seconds).toFixed(0)} requests/s\n`,
  );
}

let started = performance.now();
const plain = buildCascade({ items, interactions }, {});
process.stdout.write(
  `build (${items.length} items, ${interactions.size} users): ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
);
measure('cascade, pre-rank ranks', plain);
const watch = {
  durationBounds: [10_000, 30_000],
  playQuantiles: [
    [0, 10_000],
    [0, 20_000],
    [0, 40_000],
  ],
};
const reward = new RewardModel(
  { ...defaultShape, numItems: items.length, numAuthors: 2000, numCategories: 0, watch },
  new Random(2),
);
started = performance.now();
const ranked = buildCascade({ items, interactions, reward }, {});
process.stdout.write(`build with reward: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
measure('cascade, reward model ranks (learned fusion)', ranked);
