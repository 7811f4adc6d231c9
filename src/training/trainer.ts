import { existsSync } from 'node:fs';
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
    const record = run.epoch();
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
    const record = run.epoch();
    run.finish(record, run.validates(record.epoch) ? options.validation!.evaluate() : undefined);
    options.onEpoch?.(record);
  }
  return run.result(false);
}
