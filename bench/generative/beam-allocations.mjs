// Bytes of typed arrays allocated per beam-search request, and the collections
// they cause (issue 16): the Beauty preset's shape (config/generative-amazon-beauty.json)
// with untrained weights (allocation does not depend on them), asked for a
// top-10 list at beam 20 and 50 as the eval report asks (GenerativeRecommender.generate:
// constrained beam search, SASRec head scores, teacher-forced paths of the head's candidates).
//
// Bytes per call: process.memoryUsage().arrayBuffers counts every ArrayBuffer
// backing store as it is allocated and again as a collection frees it, so its
// rise across one call, started right after a forced full collection, is the
// bytes that call allocated, provided nothing is freed during it. That pass runs
// in a child process with --no-concurrent-array-buffer-sweeping, so a forced
// collection has freed its buffers when gc() returns (concurrent sweeping would
// free them during the next call); a call during which V8 collected on its own
// (a non-forced 'gc' performance entry) is dropped and counted. Typed arrays of
// 64 bytes or less live on the V8 heap and are not counted.
// Collections and latency: this process, default flags but --expose-gc (a
// forced collection first clears what loading left, so the counts are the
// calls' own), 'gc' performance entries counted by kind over the timed calls.
//
//   node --expose-gc bench/generative/beam-allocations.mjs [--data PATH] [--model-dir DIR]
//     [--calls 1000] [--allocation-calls 200] [--label NAME] [--out FILE]
//
// --model-dir (default: a folder in the OS temp dir): the built model is saved
// there and loaded by later runs, so runs before and after a change use the
// same weights. --out adds (or replaces) the run --label in the JSON file.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Random, silentLogger, silentProgress } from '../../dist/core/index.js';
import { loadDataset } from '../../dist/data/index.js';
import { latencySummary, sampleEvaluatedUsers, splitDataset } from '../../dist/eval/index.js';
import { GenerativeRecommender } from '../../dist/generative/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: join(root, '../shared/data/amazon-beauty/Beauty.txt') },
    'model-dir': { type: 'string', default: join(tmpdir(), 'genfeed-beam-allocations') },
    calls: { type: 'string', default: '1000' },
    'allocation-calls': { type: 'string', default: '200' },
    seed: { type: 'string', default: '42' },
    label: { type: 'string', default: 'current' },
    out: { type: 'string' },
    // Internal: the child process of the allocation pass.
    pass: { type: 'string' },
  },
});
if (typeof globalThis.gc !== 'function') {
  console.error('usage: node --expose-gc bench/generative/beam-allocations.mjs [options]');
  process.exit(2);
}
const calls = Number(values.calls);
const allocationCalls = Number(values['allocation-calls']);
const BEAMS = [20, 50];
const LIST_LENGTH = 10;

const dataset = await loadDataset(values.data);
const split = splitDataset(dataset, { protocol: 'leave-one-out' });
const phase = split.test;

/**
 * The preset's recommender with untrained weights: the generative fit is
 * stopped before its first epoch (an aborted signal); the SASRec beside it
 * trains one epoch (its fit has no such switch).
 */
async function buildRecommender() {
  const dir = values['model-dir'];
  const path = join(dir, 'model.safetensors');
  if (existsSync(path)) return GenerativeRecommender.load(path);
  const preset = JSON.parse(readFileSync(join(root, 'config/generative-amazon-beauty.json'), 'utf8'));
  const stop = new AbortController();
  stop.abort();
  const recommender = new GenerativeRecommender(
    { ...preset.params, 'sasrec.epochs': 1, 'sasrec.decayEpochs': 1 },
    { signal: stop.signal },
  );
  await recommender.fit(
    { numUsers: phase.fit.length, numItems: split.numItems, sequences: phase.fit },
    { random: new Random(Number(values.seed)), logger: silentLogger, progress: silentProgress },
  );
  mkdirSync(dir, { recursive: true });
  await recommender.save(path);
  return recommender;
}

const recommender = await buildRecommender();
const users = sampleEvaluatedUsers(phase, Math.max(calls, allocationCalls), new Random(Number(values.seed)));
const request = (user, beamWidth) =>
  recommender.generate(phase.history[user], { k: LIST_LENGTH, exclude: phase.exclude[user], beamWidth });

// Every 'gc' entry, kept by the observer in arrival order.
const collections = [];
new PerformanceObserver((list) => collections.push(...list.getEntries())).observe({ entryTypes: ['gc'] });
// GC entries reach observers a few event-loop turns after the collection (one setImmediate is not enough).
const settle = async () => {
  for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setTimeout(resolve, 1));
};
const unforced = () =>
  collections.filter((entry) => !(entry.detail.flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED)).length;

async function allocationPass(beamWidth) {
  const bytes = [];
  let dropped = 0;
  for (let i = 0; i < allocationCalls; i++) {
    const user = users[i % users.length];
    globalThis.gc();
    await settle();
    const before = unforced();
    const start = process.memoryUsage().arrayBuffers;
    request(user, beamWidth);
    const end = process.memoryUsage().arrayBuffers;
    await settle();
    if (unforced() !== before) dropped++;
    else bytes.push(end - start);
  }
  bytes.sort((a, b) => a - b);
  const mean = bytes.reduce((sum, value) => sum + value, 0) / Math.max(1, bytes.length);
  const median = bytes[Math.floor((bytes.length - 1) / 2)] ?? 0;
  return { calls: bytes.length, dropped, median, mean, min: bytes[0] ?? 0, max: bytes.at(-1) ?? 0 };
}

async function timingPass(beamWidth) {
  for (let i = 0; i < 20; i++) request(users[i % users.length], beamWidth);
  globalThis.gc();
  await settle();
  const first = collections.length;
  const times = [];
  // The lists returned (items and scores), hashed: a change that must not alter them keeps this digest.
  const outputs = createHash('sha256');
  const started = performance.now();
  for (let i = 0; i < calls; i++) {
    const user = users[i % users.length];
    const start = performance.now();
    const { items, scores } = request(user, beamWidth);
    times.push(performance.now() - start);
    outputs.update(new Uint8Array(items.buffer, items.byteOffset, items.byteLength));
    outputs.update(new Uint8Array(scores.buffer, scores.byteOffset, scores.byteLength));
  }
  const seconds = (performance.now() - started) / 1000;
  await settle();
  const entries = collections.slice(first);
  const count = (kind) => entries.filter((entry) => entry.detail.kind === kind).length;
  const pause = (kind) =>
    entries.filter((entry) => entry.detail.kind === kind).reduce((sum, entry) => sum + entry.duration, 0);
  const { p50, p99 } = latencySummary(times);
  return {
    calls,
    seconds,
    p50,
    p99,
    minor: count(constants.NODE_PERFORMANCE_GC_MINOR),
    major: count(constants.NODE_PERFORMANCE_GC_MAJOR),
    incremental: count(constants.NODE_PERFORMANCE_GC_INCREMENTAL),
    minorPauseMs: pause(constants.NODE_PERFORMANCE_GC_MINOR),
    majorPauseMs: pause(constants.NODE_PERFORMANCE_GC_MAJOR),
    pauseMs: entries.reduce((sum, entry) => sum + entry.duration, 0),
    outputs: outputs.digest('hex'),
  };
}

if (values.pass === 'allocations') {
  const allocated = {};
  for (const beamWidth of BEAMS) {
    request(users[0], beamWidth); // warm-up: pools and caches filled once
    allocated[`beam${beamWidth}`] = await allocationPass(beamWidth);
  }
  process.stdout.write(JSON.stringify(allocated));
  process.exit(0);
}

const child = spawnSync(
  process.execPath,
  [
    '--expose-gc',
    '--no-concurrent-array-buffer-sweeping',
    fileURLToPath(import.meta.url),
    ...process.argv.slice(2),
    '--pass',
    'allocations',
  ],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 2 ** 24 },
);
if (child.status !== 0) {
  console.error(`the allocation pass failed (exit ${child.status})`);
  process.exit(1);
}
const allocations = JSON.parse(child.stdout);
const rows = {};
for (const beamWidth of BEAMS) {
  const beam = `beam${beamWidth}`;
  rows[beam] = { allocated: allocations[beam], timed: await timingPass(beamWidth) };
}

const kb = (bytes) => (bytes / 1024).toFixed(1);
const ms = (value) => value.toFixed(2);
console.log(
  `${values.label}: ${recommender.params.architecture} d${recommender.params.dim} x${recommender.params.layers}, ${split.numItems} items; times on a loaded machine`,
);
console.log(
  'beam   | KiB/call median (min-max)  | dropped | minor/1k | major/1k | pause ms/1k | p50 ms | p99 ms | outputs',
);
for (const [beam, { allocated, timed }] of Object.entries(rows)) {
  const per1k = (value) => ((value * 1000) / timed.calls).toFixed(1);
  console.log(
    [
      beam.padEnd(6),
      `${kb(allocated.median)} (${kb(allocated.min)}-${kb(allocated.max)})`.padEnd(26),
      String(allocated.dropped).padStart(7),
      per1k(timed.minor).padStart(8),
      per1k(timed.major).padStart(8),
      per1k(timed.pauseMs).padStart(11),
      ms(timed.p50).padStart(6),
      ms(timed.p99).padStart(6),
      timed.outputs.slice(0, 12),
    ].join(' | '),
  );
}

if (values.out) {
  const previous = existsSync(values.out) ? JSON.parse(readFileSync(values.out, 'utf8')) : { runs: {} };
  previous.method =
    'bytes/call: rise of process.memoryUsage().arrayBuffers across one call right after a forced full GC, in a child process with --no-concurrent-array-buffer-sweeping (calls during which V8 collected on its own dropped); GC counts: perf_hooks gc entries over the timed calls, after 20 warm-up calls and one forced GC that is not counted; times on a machine loaded by other experiments (nice 19)';
  previous.runs[values.label] = {
    data: values.data,
    params: recommender.params,
    numItems: split.numItems,
    listLength: LIST_LENGTH,
    node: process.version,
    measuredAt: new Date().toISOString(),
    ...rows,
  };
  writeFileSync(values.out, `${JSON.stringify(previous, null, 2)}\n`);
}
