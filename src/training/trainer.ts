import { existsSync } from 'node:fs';
import { profileOps } from '../tensor/index.js';
import { restoreCheckpoint, writeCheckpoint } from './trainer-checkpoint.js';
import type { SyncTrainerOptions, TrainerOptions, TrainingResult, TrainingTask } from './trainer-options.js';
import { TrainingRun } from './training-run.js';

/**
 * A model-agnostic training loop: shuffled batches, AdamW with a schedule
 * (warmup + cosine by default), gradient clipping and accumulation, early
 * stopping on a validation value (keeping the best epoch's parameters),
 * progress and logs, and checkpoints that resume bit for bit.
 */
export async function train(task: TrainingTask, options: TrainerOptions): Promise<TrainingResult> {
  const run = new TrainingRun(task, options);
  const path = options.checkpoint?.path;
  if (path !== undefined && options.checkpoint?.resume && existsSync(path)) {
    await restoreCheckpoint(path, run);
    options.logger?.info(`resumed training from ${path} after epoch ${run.state.epoch}`);
  }
  while (!run.finished) {
    if (options.signal?.aborted) return run.result(true);
    const record = profiledEpoch(run, options);
    run.finish(record, run.validates(record.epoch) ? await options.validation!.evaluate() : undefined);
    if (path !== undefined) await writeCheckpoint(path, run);
    options.onEpoch?.(record);
  }
  return run.result(false);
}

/**
 * `train` for synchronous callers: the same loop, without checkpoints and with
 * a synchronous validation.
 */
export function trainSync(task: TrainingTask, options: SyncTrainerOptions): TrainingResult {
  const run = new TrainingRun(task, options);
  while (!run.finished) {
    if (options.signal?.aborted) return run.result(true);
    const record = profiledEpoch(run, options);
    run.finish(record, run.validates(record.epoch) ? options.validation!.evaluate() : undefined);
    options.onEpoch?.(record);
  }
  return run.result(false);
}

/**
 * One epoch; with `GENFEED_PROFILE=1` in the environment, timed per op (the
 * engine's profiler, docs/tensor.md) and logged as a table, slowest op first:
 * where a model's training time goes, on its real data.
 */
function profiledEpoch(
  run: TrainingRun,
  options: Pick<TrainerOptions, 'logger'>,
): ReturnType<TrainingRun['epoch']> {
  if (process.env.GENFEED_PROFILE !== '1') return run.epoch();
  let record: ReturnType<TrainingRun['epoch']> | undefined;
  const rows = profileOps(() => {
    record = run.epoch();
  });
  const total = record!.seconds * 1000;
  const lines = rows
    .slice(0, 20)
    .map(
      (row) =>
        `  ${row.op.padEnd(22)} ${String(row.calls).padStart(8)} calls  forward ${(row.forwardMs / 1000).toFixed(1).padStart(6)} s  backward ${(row.backwardMs / 1000).toFixed(1).padStart(6)} s  ${((100 * (row.forwardMs + row.backwardMs)) / total).toFixed(1).padStart(5)}%`,
    );
  const accounted = rows.reduce((sum, row) => sum + row.forwardMs + row.backwardMs, 0);
  options.logger?.info(
    `epoch ${record!.epoch} by op (${record!.seconds.toFixed(1)} s; ${((total - accounted) / 1000).toFixed(1)} s outside ops):\n${lines.join('\n')}`,
  );
  return record!;
}
