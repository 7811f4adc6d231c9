// `npm run bench:soak`: the real server under a steady mixed load for a long
// run. A child process builds the demo platform (docs/demo.md) and serves it
// with the dashboard; this process drives a fixed-rate open loop (default 200
// requests/s for 10 minutes) of feeds for many users, events for what was
// served, API reads and dashboard/admin reads (soak-mix.mjs), and samples the
// server's resident memory every few seconds over IPC. It asserts no errors
// (non-2xx or network), no item served twice to a user within the no-repeat
// window, and resident memory flat within 10% after the warm-up: the mean of
// the last minute against the mean of the first minute after it.
// Prints a table and writes bench/results/soak.json (or --out).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { quantile } from '../../dist/statistics/index.js';
import { flag, serverProcess } from '../lib/server-process.mjs';
import { openLoop } from './open-loop.mjs';
import { mixShares, soakMix } from './soak-mix.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const seconds = flag('seconds', 600);
const rate = flag('rate', 200);
// Defaults scale down for short runs: 60 s warm-up and 60 s windows from 10 minutes up.
const warmupSeconds = flag('warmup', Math.min(60, seconds / 4));
const windowSeconds = flag('window', Math.min(60, (seconds - warmupSeconds) / 3));
const sampleEverySeconds = flag('sample-every', 5);
const maxGrowth = 0.1;
const outIndex = process.argv.indexOf('--out');
const out = outIndex >= 0 ? resolve(process.argv[outIndex + 1]) : join(root, 'bench', 'results', 'soak.json');
const platformOptions = {
  dir: join(root, '.genfeed', 'bench-soak'),
  users: flag('users', 1000),
  items: flag('items', 2000),
  days: flag('days', 2),
  seed: 42,
  generative: { epochs: flag('epochs', 3), decayEpochs: flag('epochs', 3) },
  // --sync-normal: SQLite commits without an fsync each (docs/storage.md), as `bench:serve --sync-normal`.
  sqliteSynchronous: process.argv.includes('--sync-normal') ? 'normal' : 'full',
  // --processes N: the load goes to `genfeed serve --processes N` on the demo's store (one event loop each).
  processes: flag('processes', 1),
};

const { child, next, ask, close } = serverProcess(join(here, 'soak-server.mjs'), platformOptions);

const ready = await next();
console.error(
  `server at ${ready.url} (pid ${child.pid}); ${ready.users.length} users, ${ready.items.length} items; ` +
    `${rate} req/s for ${seconds} s, warm-up ${warmupSeconds} s, memory windows ${windowSeconds} s`,
);
// --admin-share: the dashboard/admin share (the difference goes to feeds), e.g. 0 to see the API alone.
const adminShare = flag('admin-share', mixShares.admin);
const shares = { ...mixShares, admin: adminShare, feed: mixShares.feed + mixShares.admin - adminShare };
const mix = soakMix({ url: ready.url, apiKey: ready.apiKey, users: ready.users, items: ready.items, shares });

const memory = [];
const { cpu: cpuBefore, eventLoop: loopBefore } = await ask({ type: 'memory' });
const started = performance.now();
let lastLoop = loopBefore;
const sample = async () => {
  const { memory: usage, eventLoop, processes } = await ask({ type: 'memory' });
  memory.push({
    seconds: (performance.now() - started) / 1000,
    rssMb: usage.rss / 2 ** 20,
    heapUsedMb: usage.heapUsed / 2 ** 20,
    externalMb: usage.external / 2 ** 20,
    arrayBuffersMb: (usage.arrayBuffers ?? 0) / 2 ** 20,
    // The share of the interval the server's event loop was busy (1: saturated, requests queue).
    eventLoopBusy: busyShare(eventLoop, lastLoop),
    ...(processes !== undefined && { processes }),
  });
  lastLoop = eventLoop;
};
/** Event-loop utilization between two `performance.eventLoopUtilization()` readings. */
const busyShare = (after, before) => {
  if (after === undefined || before === undefined) return undefined; // a cluster: no one event loop
  const active = after.active - before.active;
  return active / (active + after.idle - before.idle);
};
await sample();
const sampler = setInterval(() => void sample(), sampleEverySeconds * 1000);
const progress = setInterval(() => {
  const last = memory[memory.length - 1];
  console.error(
    `  ${((performance.now() - started) / 1000).toFixed(0)} s: server RSS ${last?.rssMb.toFixed(0)} MB, heap ${last?.heapUsedMb.toFixed(0)} MB, ${last?.eventLoopBusy === undefined ? `${platformOptions.processes} processes` : `event loop ${(100 * last.eventLoopBusy).toFixed(0)}% busy`}`,
  );
}, 60_000);
const load = await openLoop({ rate, seconds, send: () => mix.send() });
clearInterval(sampler);
clearInterval(progress);
await sample();
const { cpu: cpuAfter, eventLoop: loopAfter } = await ask({ type: 'memory' });
const { counts } = await close();

const latency = (results) => {
  const values = results.map((result) => result.latencyMs);
  return {
    requests: results.length,
    errors: results.filter((result) => !result.ok).length,
    p50Ms: quantile(values, 0.5),
    p90Ms: quantile(values, 0.9),
    p99Ms: quantile(values, 0.99),
    maxMs: values.reduce((max, value) => Math.max(max, value), 0),
  };
};
const kinds = Object.keys(shares).map((kind) => ({
  kind,
  ...latency(load.results.filter((result) => result.kind === kind)),
}));
const overall = latency(load.results);
const minutes = [];
for (let minute = 0; minute * 60 < seconds; minute++) {
  const within = load.results.filter((result) => Math.floor(result.dueMs / 60_000) === minute);
  const { requests, errors, p50Ms, p99Ms } = latency(within);
  minutes.push({ minute, requests, errors, p50Ms, p99Ms });
}
const errorMessages = [...new Set(load.results.filter((result) => !result.ok).map((result) => result.error))];

const meanRss = (from, to) => {
  const within = memory.filter((entry) => entry.seconds >= from && entry.seconds <= to);
  return within.length === 0
    ? Number.NaN
    : within.reduce((sum, entry) => sum + entry.rssMb, 0) / within.length;
};
const firstRssMb = meanRss(warmupSeconds, warmupSeconds + windowSeconds);
const lastRssMb = meanRss(seconds - windowSeconds, seconds + sampleEverySeconds);
const rssGrowth = lastRssMb / firstRssMb - 1;
const repeats = mix.repeats();
const checks = {
  noErrors: overall.errors === 0,
  noRepeats: repeats.count === 0,
  memoryFlat: rssGrowth <= maxGrowth,
};

const result = {
  ok: Object.values(checks).every(Boolean),
  checks,
  settings: {
    seconds,
    rate,
    warmupSeconds,
    windowSeconds,
    sampleEverySeconds,
    maxRssGrowth: maxGrowth,
    mix: shares,
    noRepeatWindowMs: ready.noRepeatWindowMs,
    ...platformOptions,
    dir: undefined,
  },
  achievedRate: load.sent / load.seconds,
  latency: { overall, kinds, minutes },
  errors: { count: overall.errors, messages: errorMessages.slice(0, 20) },
  repeats,
  eventsPosted: mix.eventsPosted,
  memory: {
    firstWindowRssMb: firstRssMb,
    lastWindowRssMb: lastRssMb,
    rssGrowth,
    peakRssMb: Math.max(...memory.map((entry) => entry.rssMb)),
    samples: memory,
  },
  server: {
    cpuMsPerRequest: (cpuAfter.user + cpuAfter.system - cpuBefore.user - cpuBefore.system) / 1000 / load.sent,
    eventLoopBusy: busyShare(loopAfter, loopBefore),
    store: counts,
  },
  training: ready.training,
  machine: { cpus: cpus().length, node: process.version },
  date: new Date().toISOString(),
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);

const row = (cells) => cells.map((cell, i) => String(cell).padStart(i === 0 ? 8 : 10)).join(' ');
console.log(row(['kind', 'requests', 'errors', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms']));
for (const line of [...kinds, { kind: 'all', ...overall }])
  console.log(
    row([
      line.kind,
      line.requests,
      line.errors,
      line.p50Ms.toFixed(1),
      line.p90Ms.toFixed(1),
      line.p99Ms.toFixed(1),
      line.maxMs.toFixed(0),
    ]),
  );
const mark = (ok) => (ok ? 'ok  ' : 'FAIL');
console.log(
  `${mark(checks.noErrors)} errors: ${overall.errors}${errorMessages.length > 0 ? ` (e.g. ${errorMessages[0]})` : ''}`,
);
console.log(
  `${mark(checks.noRepeats)} repeated items: ${repeats.count} for ${repeats.usersWithRepeats} of ${repeats.usersServed} users over ${repeats.feeds} feeds`,
);
console.log(
  `${mark(checks.memoryFlat)} server RSS: ${firstRssMb.toFixed(1)} MB (${warmupSeconds}-${warmupSeconds + windowSeconds} s) -> ${lastRssMb.toFixed(1)} MB (last ${windowSeconds} s), ${(100 * rssGrowth).toFixed(1)}% (limit +${100 * maxGrowth}%)`,
);
console.log(
  `achieved ${result.achievedRate.toFixed(1)} req/s; ${mix.eventsPosted} events posted; server CPU ${result.server.cpuMsPerRequest.toFixed(2)} ms per request (all threads${platformOptions.processes > 1 ? ` of ${platformOptions.processes} server processes` : ''})${result.server.eventLoopBusy === undefined ? '' : `, event loop ${(100 * result.server.eventLoopBusy).toFixed(0)}% busy`}`,
);
console.log(`wrote ${out}`);
process.exit(result.ok ? 0 : 1);
