import { loadCascade } from '../../cascade/index.js';
import { InvalidInputError } from '../../core/index.js';
import { loadModelDirectory } from '../../generative/index.js';
import { generativeLoader } from './generative-loader.js';
import type { PipelineLoader } from './pipeline-loader.js';
import { SasRecPipeline } from './sasrec-pipeline.js';

/**
 * The loader of `genfeed train` model directories (`generative` or `sasrec`):
 * `loadModelDirectory` checks the manifest, every file's sha256 and the item
 * list; the directory must hold the model `expected` names. A generative
 * directory goes through `generativeLoader`, which also serves its reward
 * model when it has one.
 */
export function modelDirectoryLoader(expected: 'generative' | 'sasrec'): PipelineLoader {
  if (expected === 'generative') return generativeLoader();
  return async (dir, context) => {
    const saved = await loadModelDirectory(dir);
    if (saved.manifest.model !== expected)
      throw new InvalidInputError(
        `Cannot load model directory ${dir} as ${expected}: it holds a "${saved.manifest.model}" model`,
      );
    return new SasRecPipeline(saved, context.catalogue, { modelVersion: context.modelVersion });
  };
}

/** The loader of cascade directories (`saveCascade`): checked and loaded by the cascade module. */
export const cascadeDirectoryLoader: PipelineLoader = (dir, context) =>
  loadCascade(dir, { modelVersion: context.modelVersion });

/** The registry's default loaders (`genfeed serve`, `genfeed models`, the demo): `generative` and `cascade` model names. */
export const defaultLoaders: Readonly<Record<string, PipelineLoader>> = {
  generative: generativeLoader(),
  cascade: cascadeDirectoryLoader,
};

export type { PipelineLoadContext, PipelineLoader } from './pipeline-loader.js';
