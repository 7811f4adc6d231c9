/**
 * How long a scaled playground world takes to generate, and its memory (issue
 * 18, part 1). One size per process so resident memory is the world's own:
 *
 *   node dist/bench-scale/bench/scale/world-cost.js 1000000 [--log]
 *
 * prints one JSON line: seconds and memory after `scaledWorld`, and with
 * `--log` the same for `scaledLog` (the logged traffic the cascade trains on).
 */

import { scaledLog, scaledUsers, scaledWorld } from '../../src/simulate/index.js';

const items = Number(process.argv[2] ?? 2000);
const withLog = process.argv.includes('--log');
const mib = (bytes: number) => Math.round(bytes / 1048576);
const memory = () => {
  const usage = process.memoryUsage();
  return { rssMiB: mib(usage.rss), heapMiB: mib(usage.heapUsed), arrayBuffersMiB: mib(usage.arrayBuffers) };
};

const before = memory();
let started = performance.now();
let cpu = process.cpuUsage();
const world = scaledWorld(items);
const worldCost = {
  seconds: (performance.now() - started) / 1000,
  cpuSeconds: (process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1e6,
  ...memory(),
};
const result: Record<string, unknown> = { items, users: scaledUsers(items), before, world: worldCost };
if (withLog) {
  started = performance.now();
  cpu = process.cpuUsage();
  const { log, sequences } = scaledLog(world);
  let plays = 0;
  for (const sequence of sequences) plays += sequence.length;
  result.log = {
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1e6,
    impressions: log.size,
    validPlays: plays,
    ...memory(),
  };
}
process.stdout.write(`${JSON.stringify(result)}\n`);
