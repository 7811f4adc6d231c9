import { loadCascade } from '../../cascade/index.js';
import { InvalidInputError, type Logger, silentLogger } from '../../core/index.js';
import type { FeedPipeline } from '../../feed/index.js';
import { loadModelDirectory } from '../../generative/index.js';
import type { ItemRecord } from '../../storage/index.js';
import { GenerativePipeline } from './generative-pipeline.js';
import { SasRecPipeline } from './sasrec-pipeline.js';

/** What a loader gets besides the directory: the catalogue to serve and the version label. */
export interface PipelineLoadContext {
  catalogue: readonly ItemRecord[];
  /** `name@version`. */
  modelVersion: string;
  logger?: Logger;
}

/** Builds a pipeline from a model version's directory; throws a clear error for a corrupt or incompatible one. */
export type PipelineLoader = (dir: string, context: PipelineLoadContext) => Promise<FeedPipeline>;

/**
 * The loader of `genfeed train` model directories (`generative` or `sasrec`):
 * `loadModelDirectory` checks the manifest, every file's sha256 and the item
 * list; the directory must hold the model `expected` names.
 */
export function modelDirectoryLoader(expected: 'generative' | 'sasrec'): PipelineLoader {
  return async (dir, context) => {
    const saved = await loadModelDirectory(dir);
    if (saved.manifest.model !== expected)
      throw new InvalidInputError(
        `Cannot load model directory ${dir} as ${expected}: it holds a "${saved.manifest.model}" model`,
      );
    if (expected === 'sasrec')
      return new SasRecPipeline(saved, context.catalogue, { modelVersion: context.modelVersion });
    const { pipeline } = await GenerativePipeline.load(saved, context.catalogue, {
      modelVersion: context.modelVersion,
      logger: context.logger ?? silentLogger,
    });
    return pipeline;
  };
}

/** The loader of cascade directories (`saveCascade`): checked and loaded by the cascade module. */
export const cascadeDirectoryLoader: PipelineLoader = (dir, context) =>
  loadCascade(dir, { modelVersion: context.modelVersion });

/** The registry's default loaders: `generative` and `cascade` model names. */
export const defaultLoaders: Readonly<Record<string, PipelineLoader>> = {
  generative: modelDirectoryLoader('generative'),
  cascade: cascadeDirectoryLoader,
};
