import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError, silentLogger } from '../../core/index.js';
import { loadModelDirectory } from '../../generative/index.js';
import { loadRewardModel, type RewardModel, saveRewardModel } from '../../reward/index.js';
import { GenerativePipeline } from './generative-pipeline.js';
import type { PipelineLoader } from './pipeline-loader.js';

/** The reward model's file inside a generative model directory (the demo's `beam` + `rerank` option). */
export const GENERATIVE_REWARD_FILE = 'reward.safetensors';

/** Writes the reward model into a generative model directory, where `generativeLoader` finds it. */
export async function saveGenerativeReward(dir: string, reward: RewardModel): Promise<void> {
  await saveRewardModel(reward, join(dir, GENERATIVE_REWARD_FILE));
}

/**
 * The loader of generative model directories (the registry's default, so
 * `genfeed serve`, `genfeed models publish` and the demo load alike): the model directory
 * (manifest and checksums checked by `loadModelDirectory`) and, when the
 * directory also holds `reward.safetensors`, that reward model as the
 * pipeline's `rerank` stage (the beam proposes `beamWidth` items, the reward
 * orders them). A directory without one (e.g. a version published by
 * `genfeed train generative --watch`) serves the beam order alone.
 */
export function generativeLoader(options: { beamWidth?: number } = {}): PipelineLoader {
  return async (dir, context) => {
    const saved = await loadModelDirectory(dir);
    if (saved.manifest.model !== 'generative')
      throw new InvalidInputError(
        `Cannot load model directory ${dir} as generative: it holds a "${saved.manifest.model}" model`,
      );
    const rewardPath = join(dir, GENERATIVE_REWARD_FILE);
    const reward = existsSync(rewardPath) ? await readReward(rewardPath) : undefined;
    const { pipeline } = await GenerativePipeline.load(saved, context.catalogue, {
      modelVersion: context.modelVersion,
      logger: context.logger ?? silentLogger,
      ...(reward === undefined ? {} : { reward }),
      ...(options.beamWidth === undefined ? {} : { beamWidth: options.beamWidth }),
    });
    return pipeline;
  };
}

/** The reward model beside the generative one; a truncated or corrupt file is named in the error. */
async function readReward(path: string): Promise<RewardModel> {
  try {
    return await loadRewardModel(path);
  } catch (error) {
    const message = (error as Error).message;
    throw new InvalidInputError(
      message.includes(path) ? message : `Cannot load reward model ${path}: ${message}`,
      { cause: error },
    );
  }
}
