import { spawnSync } from 'node:child_process';
import { z } from 'zod';

/** What bench/engine/torch_step.py prints on its `RESULT` line (fields of the workloads it ran). */
export const torchResultSchema = z.object({
  torch: z.string(),
  python: z.string(),
  threads: z.number().int().positive(),
  /** Thread count of each OpenBLAS copy loaded with torch. */
  openblasThreads: z.array(z.number().int()).optional(),
  mlpStepMs: z.number().positive().optional(),
  tfmStepMs: z.number().positive().optional(),
  tfmForwardB1Ms: z.number().positive().optional(),
  tfmForwardB1OneThreadMs: z.number().positive().optional(),
  gemm512Gflops: z.number().positive().optional(),
  gemm256x4096x768Gflops: z.number().positive().optional(),
  sasrec: z
    .object({
      items: z.number().int().positive(),
      steps: z.number().int().positive(),
      positions: z.number().int().positive(),
      paddedSlots: z.number().int().positive(),
      meanStepMs: z.number().positive(),
      medianStepMs: z.number().positive(),
      epochS: z.number().positive(),
      loss: z.enum(['fused', 'plain']),
    })
    .optional(),
});

export type TorchResult = z.infer<typeof torchResultSchema>;

/**
 * The harness's stdout -> its result: the JSON after the last line that starts
 * with `RESULT `. Throws a RangeError that names the problem (no such line, bad
 * JSON, or the first field that does not fit the schema).
 */
export function parseTorchResult(stdout: string): TorchResult {
  const line = stdout
    .split('\n')
    .reverse()
    .find((text) => text.startsWith('RESULT '));
  if (line === undefined) throw new RangeError('torch_step.py printed no RESULT line');
  let json: unknown;
  try {
    json = JSON.parse(line.slice('RESULT '.length));
  } catch (error) {
    throw new RangeError(`torch_step.py RESULT line is not JSON: ${(error as Error).message}`);
  }
  const parsed = torchResultSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RangeError(`torch_step.py RESULT field ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

export type TorchProbe = { available: true; version: string } | { available: false; reason: string };

/**
 * Whether `python -c 'import torch'` works. The reason, when not, is the
 * interpreter's last stderr line (e.g. "ModuleNotFoundError: No module named
 * 'torch'") or that the interpreter is missing.
 */
export function probeTorch(python: string): TorchProbe {
  const run = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (run.error !== undefined) {
    const code = (run.error as NodeJS.ErrnoException).code;
    return {
      available: false,
      reason: code === 'ENOENT' ? `${python} not found` : `${python}: ${run.error.message}`,
    };
  }
  if (run.status !== 0) return { available: false, reason: `${python}: ${lastLine(run.stderr)}` };
  return { available: true, version: lastLine(run.stdout) };
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}
