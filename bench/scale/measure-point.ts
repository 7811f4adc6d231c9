import type { StageCost } from '../../src/feed/index.js';
import { expectedSatisfaction } from '../../src/simulate/index.js';
import { pageSize, type ScaleSetup } from './scale-setup.js';

/** One served request: the page (dense item indices), its stage costs, and the FLOPs of its model stages. */
export interface Served {
  items: ArrayLike<number>;
  stages: Record<string, StageCost>;
  flops: number;
}

/** Serves evaluation user `k` (index into `setup.users`). */
export type ServeRequest = (k: number) => Served;

/** Everything measured of one knob setting of one pipeline. */
export interface MeasuredPoint {
  label: string;
  knobs: Record<string, unknown>;
  /** Mean CPU ms per request, all stages. */
  cpuMsPerRequest: number;
  stagesCpuMs: Record<string, number>;
  /** Latency (completion - scheduled time) at the fixed request rate. */
  p50Ms: number;
  p99Ms: number;
  /** Mean expected hidden satisfaction of the served page. */
  quality: number;
  /** Share of the user's truth page served. */
  truthRecall: number;
  flopsPerRequest: number;
  /** CPU ms per request of the model stages the FLOPs are counted in. */
  modelCpuMsPerRequest: number;
  /** FLOPs / CPU seconds of the model stages, in GFLOP/s. */
  achievedGflops: number;
}

export interface MeasureOptions {
  /** Requests per second of the open-loop schedule (default 200). */
  rate?: number;
  /** Requests served before the measurement (JIT, caches); default 10. */
  warmup?: number;
  /** Stages whose CPU time the FLOPs are spent in. */
  modelStages: readonly string[];
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks until `performance.now()` reaches `time` (sleeps, then spins the last millisecond). */
function waitUntil(time: number): void {
  for (;;) {
    const left = time - performance.now();
    if (left <= 0) return;
    if (left > 1.5) Atomics.wait(sleeper, 0, 0, left - 1);
  }
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

/**
 * Serves every evaluation user once on an open-loop schedule: request i is due
 * at start + i / rate and starts when it is due or when the previous one ends,
 * whichever is later; its latency is completion - due time, so queueing
 * counts (one core: Node runs a request to completion). Quality and CPU come
 * from the same requests.
 */
export function measurePoint(
  setup: ScaleSetup,
  label: string,
  knobs: Record<string, unknown>,
  serve: ServeRequest,
  options: MeasureOptions,
): MeasuredPoint {
  const { world, users, truths } = setup;
  const interval = 1000 / (options.rate ?? 200);
  for (let k = 0; k < Math.min(options.warmup ?? 10, users.length); k++) serve(k);
  const stageCpu: Record<string, number> = {};
  const latencies: number[] = [];
  let cpu = 0;
  let modelCpu = 0;
  let flops = 0;
  let quality = 0;
  let hits = 0;
  const start = performance.now() + interval;
  users.forEach((user, k) => {
    const due = start + k * interval;
    waitUntil(due);
    const served = serve(k);
    latencies.push(performance.now() - due);
    for (const [stage, cost] of Object.entries(served.stages)) {
      stageCpu[stage] = (stageCpu[stage] ?? 0) + cost.cpuMs;
      cpu += cost.cpuMs;
      if (options.modelStages.includes(stage)) modelCpu += cost.cpuMs;
    }
    flops += served.flops;
    for (let j = 0; j < served.items.length; j++) {
      const item = served.items[j]!;
      quality += expectedSatisfaction(world, user, item) / pageSize;
      if (truths[k]!.has(item)) hits++;
    }
  });
  const count = users.length;
  // CPU time is counted in whole microseconds or coarser: MFU is 0 rather than infinite when it reads 0.
  const achievedGflops = modelCpu > 0 ? flops / (modelCpu / 1000) / 1e9 : 0;
  return {
    label,
    knobs,
    cpuMsPerRequest: cpu / count,
    stagesCpuMs: Object.fromEntries(Object.entries(stageCpu).map(([stage, ms]) => [stage, ms / count])),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    quality: quality / count,
    truthRecall: hits / (pageSize * count),
    flopsPerRequest: flops / count,
    modelCpuMsPerRequest: modelCpu / count,
    achievedGflops,
  };
}
