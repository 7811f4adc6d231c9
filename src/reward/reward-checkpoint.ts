import { InvalidInputError, Random } from '../core/index.js';
import { loadCheckpoint, loadParameters, saveCheckpoint } from '../tensor/index.js';
import { type RewardConfig, RewardModel } from './reward-model.js';

/** Writes the model's parameters and config to one safetensors file. */
export async function saveRewardModel(model: RewardModel, path: string): Promise<void> {
  await saveCheckpoint(path, model.namedParameters(), { config: { kind: 'reward', ...model.config } });
}

/** Reads a model written by `saveRewardModel`; errors name the file. */
export async function loadRewardModel(path: string): Promise<RewardModel> {
  const checkpoint = await loadCheckpoint(path);
  const config = checkpoint.config as (RewardConfig & { kind?: string }) | null;
  if (config === null || typeof config !== 'object' || config.kind !== 'reward' || !config.watch) {
    throw new InvalidInputError(`Cannot load reward model ${path}: its config is not a reward model's`);
  }
  const { kind: _kind, ...shape } = config;
  const model = new RewardModel(shape, new Random(0));
  loadParameters(model, checkpoint, { source: `reward model ${path}` });
  return model;
}
