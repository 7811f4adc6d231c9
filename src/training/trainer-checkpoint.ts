import { InvalidInputError } from '../core/index.js';
import { loadCheckpoint, saveCheckpoint, type Tensor, tensor } from '../tensor/index.js';
import type { TrainerState, TrainingRun } from './training-run.js';

/** Writes the model, the optimizer moments, the best epoch's parameters and the run state. */
export async function writeCheckpoint(path: string, run: TrainingRun): Promise<void> {
  const { m, v } = run.optimization.optimizer.state();
  const tensors: [string, Tensor][] = [];
  run.named.forEach(([name, p], i) => {
    tensors.push([`model.${name}`, p]);
    tensors.push([`optimizer.m.${name}`, tensor(m[i]!, p.shape)]);
    tensors.push([`optimizer.v.${name}`, tensor(v[i]!, p.shape)]);
    if (run.best !== undefined) tensors.push([`best.${name}`, tensor(run.best[i]!, p.shape)]);
  });
  await saveCheckpoint(path, tensors, { config: { ...run.state } });
}

/** Continues `run` from a checkpoint written with the same settings. */
export async function restoreCheckpoint(path: string, run: TrainingRun): Promise<void> {
  const checkpoint = await loadCheckpoint(path);
  const state = checkpoint.config as TrainerState | null;
  if (state?.kind !== 'genfeed.trainer') {
    throw new InvalidInputError(`Cannot resume from ${path}: not a genfeed trainer checkpoint`);
  }
  for (const [key, value] of Object.entries(run.state.settings)) {
    if (state.settings[key] !== value) {
      throw new InvalidInputError(
        `Cannot resume from ${path}: it was trained with ${key} = ${state.settings[key]}, this run has ${value}`,
      );
    }
  }
  const read = (name: string): Float32Array => {
    const stored = checkpoint.tensors.get(name);
    if (stored === undefined)
      throw new InvalidInputError(`Cannot resume from ${path}: tensor "${name}" is missing`);
    return stored.data as Float32Array;
  };
  const named = run.named;
  for (const [name, p] of named) p.data.set(read(`model.${name}`));
  run.optimization.optimizer.loadState({
    step: state.optimizerStep,
    m: named.map(([name]) => read(`optimizer.m.${name}`)),
    v: named.map(([name]) => read(`optimizer.v.${name}`)),
  });
  const hasBest = checkpoint.tensors.has(`best.${named[0]?.[0]}`);
  run.best = hasBest ? named.map(([name]) => read(`best.${name}`).slice()) : undefined;
  run.state = state;
}
