import { checkItemVectors, type ItemVectors } from './item-vectors/item-vectors.js';
import type { SemanticTokenizer } from './semantic-tokenizer.js';

export interface TokenizerReport {
  items: number;
  levels: number;
  codebookSize: number;
  /** Per level: codes holding at least one item / codebookSize. */
  utilisation: number[];
  /** Per level: items in the largest code, over the balanced share items / codebookSize. */
  largestCodeLoad: number[];
  /** Distinct L-code paths (before disambiguation). */
  distinctPaths: number;
  /** Share of items whose L-code path is shared with another item (before disambiguation). */
  collisionRate: number;
  /** Items on the most crowded L-code path. */
  maxItemsPerPath: number;
  /** mean ||x - sum of its L centroids||^2 / mean ||x||^2. */
  reconstructionError: number;
  /** The same after 1, 2, ..., L levels. */
  reconstructionErrorByLevel: number[];
  /** mean ||x - sum of its L centroids||^2, raw. */
  meanSquaredError: number;
  /** mean ||x||^2. */
  meanSquaredNorm: number;
  /**
   * Share of items whose stored codes equal nearest-centroid encoding of their
   * own vector: balancing moves the rest, so it bounds how often `assign` of a
   * known item's vector lands on that item's path.
   */
  nearestPathAgreement: number;
}

/** Measures a tokenizer against the vectors it encodes (row i = item i; extra tokenizer items are ignored). */
export function evaluateTokenizer(tokenizer: SemanticTokenizer, itemVectors: ItemVectors): TokenizerReport {
  checkItemVectors(itemVectors, 'evaluateTokenizer');
  const { levels, codebookSize, depth, dim } = tokenizer;
  if (itemVectors.dim !== dim)
    throw new RangeError(`evaluateTokenizer: vectors of dim ${itemVectors.dim}, tokenizer dim ${dim}`);
  const items = Math.min(itemVectors.count, tokenizer.itemCount);
  const ids = tokenizer.semanticIds();
  const codeSizes = Array.from({ length: levels }, () => new Int32Array(codebookSize));
  const pathSizes = new Map<string, number>();
  const squaredError = new Float64Array(levels);
  let squaredNorm = 0;
  let agreeing = 0;
  const residual = new Float32Array(dim);
  const encoded = tokenizer.encodeAll(itemVectors.vectors.subarray(0, items * dim)); // [items, levels]
  for (let item = 0; item < items; item++) {
    const path = ids.subarray(item * depth, item * depth + levels);
    const key = path.join(',');
    pathSizes.set(key, (pathSizes.get(key) ?? 0) + 1);
    residual.set(itemVectors.vectors.subarray(item * dim, (item + 1) * dim));
    for (let j = 0; j < dim; j++) squaredNorm += residual[j]! ** 2;
    for (let level = 0; level < levels; level++) {
      const code = path[level]!;
      codeSizes[level]![code]!++;
      const codebook = tokenizer.codebook(level);
      let sum = 0;
      for (let j = 0; j < dim; j++) {
        residual[j]! -= codebook[code * dim + j]!;
        sum += residual[j]! ** 2;
      }
      squaredError[level]! += sum;
    }
    if (path.every((code, level) => code === encoded[item * levels + level])) agreeing++;
  }
  let collided = 0;
  let maxItemsPerPath = 0;
  for (const size of pathSizes.values()) {
    if (size > 1) collided += size;
    maxItemsPerPath = Math.max(maxItemsPerPath, size);
  }
  const meanSquaredNorm = squaredNorm / items;
  const byLevel = Array.from(squaredError, (error) => error / items / meanSquaredNorm);
  return {
    items,
    levels,
    codebookSize,
    utilisation: codeSizes.map((sizes) => sizes.filter((size) => size > 0).length / codebookSize),
    largestCodeLoad: codeSizes.map((sizes) => Math.max(...sizes) / (items / codebookSize)),
    distinctPaths: pathSizes.size,
    collisionRate: collided / items,
    maxItemsPerPath,
    reconstructionError: byLevel[levels - 1]!,
    reconstructionErrorByLevel: byLevel,
    meanSquaredError: squaredError[levels - 1]! / items,
    meanSquaredNorm,
    nearestPathAgreement: agreeing / items,
  };
}
