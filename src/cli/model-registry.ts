import { baselineSpecs } from '../baselines/index.js';
import { cascadeSpec } from '../cascade/index.js';
import { InvalidInputError } from '../core/index.js';
import type { Dataset } from '../data/index.js';
import type { Params, RecommenderSpec } from '../eval/index.js';
import { generativeSpec, generativeSpecOf, sasrecSpec } from '../generative/index.js';

/** Every model `genfeed eval --model <name>` can run. */
export const modelSpecs: readonly RecommenderSpec<Params>[] = [
  ...baselineSpecs,
  cascadeSpec,
  sasrecSpec,
  generativeSpec,
];

export function findModel(name: string): RecommenderSpec<Params> {
  const spec = modelSpecs.find((candidate) => candidate.name === name);
  if (!spec) {
    throw new InvalidInputError(
      `Unknown model "${name}"; available: ${modelSpecs.map((candidate) => candidate.name).join(', ')}`,
    );
  }
  return spec;
}

/**
 * The spec of `name` bound to a loaded data set: the generative model gets the
 * data set's content vectors (built only if `vectorKind` asks for them).
 */
export function modelSpecFor(name: string, dataset: Dataset): RecommenderSpec<Params> {
  const spec = findModel(name);
  return spec === generativeSpec ? generativeSpecOf(dataset) : spec;
}
