import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { Random } from '../../core/index.js';
import { availableBackends, type BackendName, setThreads, useBackend } from '../backend/select.js';
import { gemm } from '../ops/gemm.js';
import { profileOps } from '../profiler.js';
import { mlpWorkload, tfmWorkload } from './workloads.js';

/**
 * `npm run bench:engine`: the ML-STACK.md workloads on every available backend.
 * Prints a table, writes bench/results/engine.json and a per-op profile of one
 * tfm step. GENFEED_BENCH_BACKENDS=native (or ts) limits the backends.
 */
const PYTORCH = { mlpStepMs: 109, tfmStepMs: 81, tfmForwardB1Ms: 0.71 };
const out = (line = ''): void => void process.stdout.write(`${line}\n`);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function time(fn: () => void, warmup: number, runs: number): number {
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

function gemmGflops(m: number, n: number, k: number, runs: number): number {
  const random = new Random(3);
  const a = Float32Array.from({ length: m * k }, () => random.normal());
  const b = Float32Array.from({ length: k * n }, () => random.normal());
  const c = new Float32Array(m * n);
  const ms = time(() => gemm({ m, n, k, a, b, c }), 2, runs);
  return (2 * m * n * k) / (ms * 1e6);
}

interface Result {
  backend: BackendName;
  description: string;
  mlpStepMs: number;
  tfmStepMs: number;
  tfmForwardB1Ms: number;
  /** Serving configuration: one thread. */
  tfmForwardB1OneThreadMs: number;
  gemm512Gflops: number;
  /** [256, 4096] x [4096, 768], the second GEMM of ML-STACK.md. */
  gemm256x4096x768Gflops: number;
  mlpGflops: number;
  tfmGflops: number;
  rssAfterMb: number;
}

function run(backend: BackendName): Result {
  const info = useBackend(backend, { threads: 2 });
  const fast = backend === 'native';
  const [warm, runs] = fast ? [3, 15] : [0, 1];
  const mlp = mlpWorkload(1);
  const mlpStepMs = time(() => mlp.step(), warm, runs);
  const tfm = tfmWorkload(1);
  const tfmStepMs = time(() => tfm.step(), warm, runs);
  const tfmForwardB1Ms = time(() => tfm.forwardBatch1(), fast ? 50 : 2, fast ? 500 : 10);
  setThreads(1);
  const tfmForwardB1OneThreadMs = time(() => tfm.forwardBatch1(), fast ? 50 : 2, fast ? 500 : 10);
  setThreads(2);
  const result: Result = {
    backend,
    description: info.description,
    mlpStepMs,
    tfmStepMs,
    tfmForwardB1Ms,
    tfmForwardB1OneThreadMs,
    gemm512Gflops: gemmGflops(512, 512, 512, fast ? 30 : 2),
    gemm256x4096x768Gflops: gemmGflops(256, 768, 4096, fast ? 10 : 1),
    mlpGflops: mlp.flops / (mlpStepMs * 1e6),
    tfmGflops: tfm.flops / (tfmStepMs * 1e6),
    rssAfterMb: process.memoryUsage().rss / 2 ** 20,
  };
  return result;
}

function fmt(value: number, digits = 1): string {
  return value.toFixed(digits).padStart(9);
}

function main(): void {
  const only = process.env.GENFEED_BENCH_BACKENDS?.split(',') ?? null;
  const backends = availableBackends()
    .filter((b) => only === null || only.includes(b))
    .reverse(); // native first
  const results: Result[] = [];
  for (const backend of backends) {
    out(`running ${backend} ...`);
    results.push(run(backend));
  }
  out();
  const load = loadavg()[0]!;
  out(
    `threads 2, ${availableParallelism()} CPUs, load average ${load.toFixed(2)} at the end${load > 1.5 ? ' (busy machine: numbers are pessimistic)' : ''}`,
  );
  out(
    'backend   mlp ms/step  tfm ms/step  tfm fwd b1 ms (1 thread)  GEMM 512^3 GFLOP/s  mlp GFLOP/s  tfm GFLOP/s',
  );
  for (const r of results) {
    out(
      `${r.backend.padEnd(8)} ${fmt(r.mlpStepMs)}    ${fmt(r.tfmStepMs)}    ${fmt(r.tfmForwardB1Ms, 2)} (${r.tfmForwardB1OneThreadMs.toFixed(2)})      ${fmt(r.gemm512Gflops)}           ${fmt(r.mlpGflops)}    ${fmt(r.tfmGflops)}`,
    );
  }
  out(
    `pytorch  ${fmt(PYTORCH.mlpStepMs)}    ${fmt(PYTORCH.tfmStepMs)}    ${fmt(PYTORCH.tfmForwardB1Ms, 2)}      ${fmt(149)}   (PyTorch 1.13 CPU, ML-STACK.md)`,
  );
  mkdirSync('bench/results', { recursive: true });
  const machine = { cpus: availableParallelism(), loadAverage1m: load, threads: 2 };
  writeFileSync(
    'bench/results/engine.json',
    `${JSON.stringify({ results, pytorch: PYTORCH, machine }, null, 2)}\n`,
  );
  out('\nwrote bench/results/engine.json');

  const profiled = backends[0];
  if (profiled !== undefined) {
    useBackend(profiled, { threads: 2 });
    const tfm = tfmWorkload(2);
    const steps = profiled === 'native' ? 5 : 1;
    for (let i = 0; i < (profiled === 'native' ? 3 : 0); i++) tfm.step();
    let total = 0;
    const rows = profileOps(() => {
      const start = performance.now();
      for (let i = 0; i < steps; i++) tfm.step();
      total = (performance.now() - start) / steps;
    });
    for (const r of rows) {
      r.forwardMs /= steps;
      r.backwardMs /= steps;
      r.calls /= steps;
    }
    out(
      `\nper-op profile of one tfm step on ${profiled} (mean of ${steps}; ${total.toFixed(1)} ms wall per step):`,
    );
    out('op                 calls   forward ms  backward ms   share');
    let accounted = 0;
    for (const r of rows) {
      accounted += r.forwardMs + r.backwardMs;
      const share = ((r.forwardMs + r.backwardMs) / total) * 100;
      out(
        `${r.op.padEnd(17)} ${String(r.calls).padStart(6)} ${fmt(r.forwardMs, 2)}    ${fmt(r.backwardMs, 2)}  ${share.toFixed(1).padStart(5)}%`,
      );
    }
    out(`${'(other: tape, glue)'.padEnd(17)}        ${fmt(total - accounted, 2)}`);
  }
}

main();
