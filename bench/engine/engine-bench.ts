import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { Random } from '../../src/core/index.js';
import { mlpWorkload, tfmWorkload } from '../../src/tensor/bench/workloads.js';
import {
  availableBackends,
  type BackendName,
  profileOps,
  setThreads,
  useBackend,
} from '../../src/tensor/index.js';
import { gemm } from '../../src/tensor/ops/gemm.js';
import {
  beautyEpoch,
  type SasRecEpoch,
  type SasRecEpochTiming,
  sasrecRecipe,
  sasrecTrainingStep,
  timeSasRecEpoch,
} from './sasrec-epoch.js';
import { parseTorchResult, probeTorch, type TorchResult } from './torch-result.js';

/**
 * `npm run bench:engine`: genfeed's tensor engine against PyTorch CPU, measured
 * in the same run on the same workloads, 2 threads on both sides.
 *
 * - mlp and tfm steps, a batch-1 tfm forward and GEMMs (src/tensor/bench/workloads.ts)
 *   on every available backend; PyTorch runs the same shapes in
 *   bench/engine/torch_step.py (median of 15 steps after 3 warm-up steps, both sides).
 * - One epoch of the SASRec recipe of the shared sasrec_ref.py on Amazon Beauty
 *   (88 fixed batches of 256 users; native backend only), every step timed.
 *
 * PyTorch runs when `$GENFEED_BENCH_PYTHON -c 'import torch'` works (default
 * /usr/bin/python3, Debian's python3-torch); otherwise its column is skipped with
 * the reason. Environment: GENFEED_BENCH_BACKENDS=native (or ts) limits genfeed's
 * backends, GENFEED_BENCH_DATA is Beauty.txt (default
 * ../shared/data/amazon-beauty/Beauty.txt), GENFEED_BENCH_TORCH=0 skips PyTorch,
 * GENFEED_BENCH_PROFILE=sasrec profiles a SASRec step instead of a tfm step (none: no profile),
 * GENFEED_BENCH_THREADS sets both sides' threads (default 2), GENFEED_BENCH_OUT the JSON
 * (default bench/results/engine.json).
 */
const THREADS = Number(process.env.GENFEED_BENCH_THREADS ?? 2);
if (!Number.isInteger(THREADS) || THREADS < 1)
  throw new RangeError(
    `GENFEED_BENCH_THREADS must be a positive integer, got ${process.env.GENFEED_BENCH_THREADS}`,
  );
const OUT = process.env.GENFEED_BENCH_OUT ?? 'bench/results/engine.json';
const HARNESS = 'bench/engine/torch_step.py';
const SASREC_WARMUP = 3;
const out = (line = ''): void => void process.stdout.write(`${line}\n`);
/** Each phase's name and the 1-minute load average when it started: on a shared machine, which side ran under which load. */
const phases: { phase: string; loadAverage1m: number }[] = [];
const phase = (name: string): void => {
  const load = loadavg()[0]!;
  phases.push({ phase: name, loadAverage1m: load });
  out(`${name} (load average ${load.toFixed(2)}) ...`);
};

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

interface BackendResult {
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
  sasrec?: SasRecEpochTiming;
}

function runFixed(backend: BackendName): BackendResult {
  const info = useBackend(backend, { threads: THREADS });
  const fast = backend === 'native';
  const [warm, runs] = fast ? [3, 15] : [0, 1];
  const mlp = mlpWorkload(1);
  const mlpStepMs = time(() => mlp.step(), warm, runs);
  const tfm = tfmWorkload(1);
  const tfmStepMs = time(() => tfm.step(), warm, runs);
  const tfmForwardB1Ms = time(() => tfm.forwardBatch1(), fast ? 50 : 2, fast ? 500 : 10);
  setThreads(1);
  const tfmForwardB1OneThreadMs = time(() => tfm.forwardBatch1(), fast ? 50 : 2, fast ? 500 : 10);
  setThreads(THREADS);
  return {
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
}

/** Runs the harness; its progress goes to our stderr. Returns the result or why there is none. */
function runTorch(python: string, args: string[]): { result: TorchResult } | { reason: string } {
  const run = spawnSync(python, [HARNESS, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 2 ** 20,
  });
  if (run.error !== undefined) return { reason: `${python} ${HARNESS}: ${run.error.message}` };
  if (run.status !== 0) return { reason: `${python} ${HARNESS} exited with status ${run.status}` };
  try {
    return { result: parseTorchResult(run.stdout) };
  } catch (error) {
    return { reason: (error as Error).message };
  }
}

interface ComparisonRow {
  name: string;
  unit: 'ms' | 's' | 'GFLOP/s';
  genfeed: number;
  pytorch: number;
  /** genfeed's time / PyTorch's time (for GFLOP/s rows, PyTorch's rate / genfeed's): <= 1 means genfeed is at least as fast. */
  timeRatio: number;
}

function comparisonRows(native: BackendResult, torch: TorchResult): ComparisonRow[] {
  const rows: ComparisonRow[] = [];
  const time = (name: string, unit: 'ms' | 's', genfeed: number | undefined, pytorch: number | undefined) => {
    if (genfeed !== undefined && pytorch !== undefined)
      rows.push({ name, unit, genfeed, pytorch, timeRatio: genfeed / pytorch });
  };
  const rate = (name: string, genfeed: number, pytorch: number | undefined) => {
    if (pytorch !== undefined)
      rows.push({ name, unit: 'GFLOP/s', genfeed, pytorch, timeRatio: pytorch / genfeed });
  };
  time('mlp step', 'ms', native.mlpStepMs, torch.mlpStepMs);
  time('tfm step', 'ms', native.tfmStepMs, torch.tfmStepMs);
  time('tfm forward, batch 1', 'ms', native.tfmForwardB1Ms, torch.tfmForwardB1Ms);
  time('tfm forward, batch 1, 1 thread', 'ms', native.tfmForwardB1OneThreadMs, torch.tfmForwardB1OneThreadMs);
  if (native.sasrec !== undefined && torch.sasrec !== undefined) {
    time(
      `SASRec Beauty step (mean of ${native.sasrec.steps})`,
      'ms',
      native.sasrec.meanStepMs,
      torch.sasrec.meanStepMs,
    );
    time('SASRec Beauty step (median)', 'ms', native.sasrec.medianStepMs, torch.sasrec.medianStepMs);
    time('SASRec Beauty epoch', 's', native.sasrec.epochS, torch.sasrec.epochS);
  }
  rate('GEMM 512^3', native.gemm512Gflops, torch.gemm512Gflops);
  rate('GEMM 256x4096x768', native.gemm256x4096x768Gflops, torch.gemm256x4096x768Gflops);
  return rows;
}

function fmt(value: number, digits = 1): string {
  return value.toFixed(digits).padStart(9);
}

function profile(backend: BackendName, target: string, epoch: SasRecEpoch | null): void {
  useBackend(backend, { threads: THREADS });
  const native = backend === 'native';
  let step: () => void;
  let label: string;
  if (target === 'sasrec' && epoch !== null) {
    // The epoch's longest batch: the biggest logits GEMM.
    const train = sasrecTrainingStep(epoch.items);
    const longest = epoch.batches[epoch.batches.length - 1]!;
    step = () => train(longest);
    label = 'one SASRec step (longest Beauty batch)';
  } else {
    const tfm = tfmWorkload(2);
    step = () => tfm.step();
    label = 'one tfm step';
  }
  const steps = native ? 5 : 1;
  for (let i = 0; i < (native ? 3 : 0); i++) step();
  let total = 0;
  const rows = profileOps(() => {
    const start = performance.now();
    for (let i = 0; i < steps; i++) step();
    total = (performance.now() - start) / steps;
  });
  for (const r of rows) {
    r.forwardMs /= steps;
    r.backwardMs /= steps;
    r.calls /= steps;
  }
  out(`\nper-op profile of ${label} on ${backend} (mean of ${steps}; ${total.toFixed(1)} ms wall per step):`);
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

function main(): void {
  const only = process.env.GENFEED_BENCH_BACKENDS?.split(',') ?? null;
  const backends = availableBackends()
    .filter((b) => only === null || only.includes(b))
    .reverse(); // native first
  const python = process.env.GENFEED_BENCH_PYTHON ?? '/usr/bin/python3';
  const dataPath = process.env.GENFEED_BENCH_DATA ?? '../shared/data/amazon-beauty/Beauty.txt';
  const loadStart = loadavg()[0]!;

  const probe =
    process.env.GENFEED_BENCH_TORCH === '0'
      ? ({ available: false, reason: 'GENFEED_BENCH_TORCH=0' } as const)
      : probeTorch(python);
  let torchSkipped: string | null = probe.available ? null : probe.reason;
  const sasrecSkipped = existsSync(dataPath) ? null : `${dataPath} not found (set GENFEED_BENCH_DATA)`;
  const epoch =
    sasrecSkipped === null ? beautyEpoch(dataPath, sasrecRecipe.batchSize, sasrecRecipe.maxLength) : null;

  const fixedArgs = ['--threads', String(THREADS), '--workloads', 'mlp,tfm,gemm'];
  const sasrecArgs = [
    '--threads',
    String(THREADS),
    '--workloads',
    'sasrec',
    '--data',
    dataPath,
    '--sasrec-warmup',
    String(SASREC_WARMUP),
  ];
  const commands: Record<string, string> = {
    genfeed: 'npm run bench:engine (node dist/bench-engine/bench/engine/engine-bench.js)',
  };
  const results: BackendResult[] = [];
  let torch: TorchResult | null = null;

  // Alternate the engines (fixed workloads, then the SASRec epoch) so a change in
  // the machine's load hits both sides alike.
  for (const backend of backends) {
    phase(`genfeed ${backend}: mlp, tfm, GEMM`);
    results.push(runFixed(backend));
    if (backend !== 'native') continue;
    if (torchSkipped === null) {
      phase('PyTorch: mlp, tfm, GEMM');
      commands.pytorchFixed = [python, HARNESS, ...fixedArgs].join(' ');
      const run = runTorch(python, fixedArgs);
      if ('reason' in run) torchSkipped = run.reason;
      else torch = run.result;
    }
    if (epoch !== null) {
      phase(`genfeed native: SASRec epoch on Beauty (${epoch.batches.length} steps)`);
      useBackend('native', { threads: THREADS });
      results[results.length - 1]!.sasrec = timeSasRecEpoch(epoch, SASREC_WARMUP);
      if (torchSkipped === null && torch !== null) {
        phase('PyTorch: SASRec epoch on Beauty');
        commands.pytorchSasrec = [python, HARNESS, ...sasrecArgs].join(' ');
        const run = runTorch(python, sasrecArgs);
        if ('reason' in run) torchSkipped = `SASRec epoch: ${run.reason}`;
        else torch.sasrec = run.result.sasrec;
      }
    }
  }

  out();
  const load = loadavg()[0]!;
  out(
    `threads ${THREADS}, ${availableParallelism()} CPUs, load average ${loadStart.toFixed(2)} at the start, ${load.toFixed(2)} at the end${load > 1.5 ? ' (busy machine: numbers are pessimistic)' : ''}`,
  );
  out(
    'backend   mlp ms/step  tfm ms/step  tfm fwd b1 ms (1 thread)  GEMM 512^3 GFLOP/s  mlp GFLOP/s  tfm GFLOP/s',
  );
  for (const r of results) {
    out(
      `${r.backend.padEnd(8)} ${fmt(r.mlpStepMs)}    ${fmt(r.tfmStepMs)}    ${fmt(r.tfmForwardB1Ms, 2)} (${r.tfmForwardB1OneThreadMs.toFixed(2)})      ${fmt(r.gemm512Gflops)}           ${fmt(r.mlpGflops)}    ${fmt(r.tfmGflops)}`,
    );
  }

  const native = results.find((r) => r.backend === 'native');
  let comparison: ComparisonRow[] = [];
  if (torch !== null && native !== undefined) {
    out(
      `\ngenfeed native vs PyTorch ${torch.torch} (${python}, Python ${torch.python}), ${torch.threads} threads both:`,
    );
    out('workload                              genfeed    PyTorch   time ratio genfeed/PyTorch');
    comparison = comparisonRows(native, torch);
    for (const row of comparison) {
      const digits = row.unit === 'ms' && row.genfeed < 10 ? 2 : 1;
      out(
        `${`${row.name}, ${row.unit}`.padEnd(36)} ${fmt(row.genfeed, digits)}  ${fmt(row.pytorch, digits)}   ${row.timeRatio.toFixed(2).padStart(6)}`,
      );
    }
    if (native.sasrec !== undefined && torch.sasrec !== undefined && epoch !== null) {
      const same =
        torch.sasrec.steps === epoch.batches.length &&
        torch.sasrec.positions === epoch.positions &&
        torch.sasrec.paddedSlots === epoch.paddedSlots;
      out(
        `SASRec batches: ${epoch.batches.length} steps, ${epoch.positions} positions, ${epoch.paddedSlots} padded slots${same ? ', the same on both sides' : `; PyTorch had ${torch.sasrec.steps} / ${torch.sasrec.positions} / ${torch.sasrec.paddedSlots}: NOT the same batches`}`,
      );
    }
    const steps = comparison.filter((row) => row.unit !== 'GFLOP/s' && !row.name.includes('median'));
    out(
      `target (issue 16: genfeed's step time at or below PyTorch's): ${steps.map((row) => `${row.name} ${row.timeRatio <= 1 ? 'met' : 'not met'}`).join('; ')}`,
    );
  } else {
    out(`\nPyTorch: skipped (${torchSkipped ?? 'no native backend to compare with'})`);
  }
  if (sasrecSkipped !== null) out(`SASRec epoch: skipped (${sasrecSkipped})`);

  mkdirSync(dirname(OUT), { recursive: true });
  const report = {
    date: new Date().toISOString(),
    machine: {
      cpus: availableParallelism(),
      loadAverage1mStart: loadStart,
      loadAverage1mEnd: load,
      phases,
      threads: THREADS,
    },
    commands,
    results,
    pytorch: torch ?? { skipped: torchSkipped },
    comparison,
    sasrecWorkload:
      epoch === null
        ? { skipped: sasrecSkipped }
        : {
            ...sasrecRecipe,
            data: dataPath,
            rows: 'seq[:-2] of each user with >= 2 items, sorted by length, file order within a length',
            items: epoch.items,
            steps: epoch.batches.length,
            positions: epoch.positions,
            paddedSlots: epoch.paddedSlots,
            warmupSteps: SASREC_WARMUP,
          },
  };
  writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
  out(`\nwrote ${OUT}`);

  const target = process.env.GENFEED_BENCH_PROFILE ?? 'tfm';
  if (backends[0] !== undefined && target !== 'none') profile(backends[0], target, epoch);
}

main();
