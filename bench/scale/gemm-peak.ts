import { Random } from '../../src/core/index.js';
import { matmul, noGrad, tensor, tidy } from '../../src/tensor/index.js';

/**
 * The machine's single-thread GEMM peak through genfeed's engine (the MFU
 * denominator): the best of `repeats` timings of an [n, n] x [n, n] sgemm,
 * 2 n^3 FLOPs each, in GFLOP/s. Timed in process CPU time, as the model
 * stages are, so a busy machine's waits count in neither. Call after
 * `setThreads(1)`.
 */
export function gemmPeakGflops(options: { n?: number; repeats?: number } = {}): number {
  const n = options.n ?? 1024;
  const repeats = options.repeats ?? 5;
  const random = new Random(5);
  const fill = () => Float32Array.from({ length: n * n }, () => random.next() - 0.5);
  const a = tensor(fill(), [n, n]);
  const b = tensor(fill(), [n, n]);
  let best = Number.POSITIVE_INFINITY;
  noGrad(() => {
    for (let r = 0; r <= repeats; r++) {
      const started = process.cpuUsage();
      tidy(() => {
        matmul(a, b);
        return null;
      });
      const used = process.cpuUsage(started);
      const ms = (used.user + used.system) / 1000;
      if (r > 0) best = Math.min(best, ms); // the first run warms up
    }
  });
  return (2 * n * n * n) / (Math.max(best, 0.001) / 1000) / 1e9; // CPU time is read in microseconds
}
