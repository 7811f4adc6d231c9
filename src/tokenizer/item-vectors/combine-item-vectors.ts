import { centredOperator, denseOperator } from '../linalg/linear-operator.js';
import { randomizedSvd } from '../linalg/randomized-svd.js';
import { normalizeRows } from '../linalg/row-norms.js';
import { checkItemVectors, type ItemVectors } from './item-vectors.js';

export interface CombineOptions {
  /** w in [0, 1]: the content block is scaled by sqrt(w), the collaborative one by sqrt(1 - w) (default 0.5). */
  contentWeight?: number;
  /** Re-reduce the concatenation to this dimension by PCA (default: keep content.dim + collaborative.dim). */
  dim?: number;
  /** Seed of the PCA's randomized SVD (default 0). */
  seed?: number;
}

/**
 * Content and collaborative vectors in one space: the two L2-normalised blocks
 * concatenated with weights sqrt(w) and sqrt(1 - w), so the dot product of two
 * combined rows is w * content cosine + (1 - w) * collaborative cosine. An item
 * missing from one block keeps the other; rows are L2-normalised again (after
 * the optional PCA re-reduction), so such items do not sit near the origin.
 */
export function combineItemVectors(
  content: ItemVectors,
  collaborative: ItemVectors,
  options: CombineOptions = {},
): ItemVectors {
  checkItemVectors(content, 'combineItemVectors content');
  checkItemVectors(collaborative, 'combineItemVectors collaborative');
  if (content.count !== collaborative.count) {
    throw new RangeError(
      `combineItemVectors: ${content.count} content rows but ${collaborative.count} collaborative rows`,
    );
  }
  const weight = options.contentWeight ?? 0.5;
  if (!(weight >= 0 && weight <= 1)) throw new RangeError(`contentWeight must be in [0, 1], got ${weight}`);
  const { count } = content;
  const width = content.dim + collaborative.dim;
  const joined = new Float32Array(count * width); // [count, content.dim + collaborative.dim]
  const contentRows = normalizeRows(content.vectors.slice(), content.dim);
  const collaborativeRows = normalizeRows(collaborative.vectors.slice(), collaborative.dim);
  const contentScale = Math.sqrt(weight);
  const collaborativeScale = Math.sqrt(1 - weight);
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < content.dim; j++) {
      joined[r * width + j] = contentScale * contentRows[r * content.dim + j]!;
    }
    for (let j = 0; j < collaborative.dim; j++) {
      joined[r * width + content.dim + j] =
        collaborativeScale * collaborativeRows[r * collaborative.dim + j]!;
    }
  }
  if (options.dim === undefined || options.dim >= width) {
    return { vectors: normalizeRows(joined, width), count, dim: width };
  }
  const dim = options.dim;
  const means = new Float32Array(width);
  for (let r = 0; r < count; r++) for (let j = 0; j < width; j++) means[j]! += joined[r * width + j]! / count;
  const svd = randomizedSvd(centredOperator(denseOperator(joined, count, width), means), dim, {
    seed: options.seed ?? 0,
  });
  const vectors = new Float32Array(count * dim);
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < svd.rank; j++) vectors[r * dim + j] = svd.left[r * svd.rank + j]! * svd.values[j]!;
  }
  return { vectors: normalizeRows(vectors, dim), count, dim };
}
