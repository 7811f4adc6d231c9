import type { Logger } from '../../core/index.js';
import type { FeedPipeline } from '../../feed/index.js';
import type { ItemRecord } from '../../storage/index.js';

/** What a loader gets besides the directory: the catalogue to serve and the version label. */
export interface PipelineLoadContext {
  catalogue: readonly ItemRecord[];
  /** `name@version`. */
  modelVersion: string;
  logger?: Logger;
}

/** Builds a pipeline from a model version's directory; throws a clear error for a corrupt or incompatible one. */
export type PipelineLoader = (dir: string, context: PipelineLoadContext) => Promise<FeedPipeline>;
