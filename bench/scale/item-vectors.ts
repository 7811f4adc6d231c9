import { Random } from '../../src/core/index.js';
import { collaborativeVectors, type ItemVectors } from '../../src/tokenizer/index.js';

/**
 * The vectors the semantic-ID tokenizer is fitted on: collaborative vectors
 * (SPPMI-SVD of the training plays) for items that were played, and for items
 * nobody in the sample played (a large share at 1M videos) the mean vector of
 * their author's played videos, else their category's, plus a small seeded
 * jitter. Without that every unplayed item would be a zero row on one code
 * path, and the disambiguation level (the last token's vocabulary) would grow
 * to their number. Only public metadata and logged plays are read.
 */
export function tokenizerVectors(
  sequences: readonly Int32Array[],
  side: { author: ArrayLike<number>; category: ArrayLike<number> },
  options: { dim?: number; seed?: number; jitter?: number } = {},
): ItemVectors {
  const count = side.author.length;
  const dim = options.dim ?? 64;
  const jitter = options.jitter ?? 0.1;
  const base = collaborativeVectors(sequences, count, { dim, seed: options.seed ?? 0 });
  const vectors = base.vectors;
  const empty = new Uint8Array(count);
  for (const item of base.emptyItems) empty[item] = 1;
  const groupMeans = (group: ArrayLike<number>) => {
    let groups = 0;
    for (let item = 0; item < count; item++) groups = Math.max(groups, group[item]! + 1);
    const sums = new Float32Array(groups * dim); // [groups, dim]
    const sizes = new Int32Array(groups);
    for (let item = 0; item < count; item++) {
      if (empty[item]) continue;
      const g = group[item]!;
      sizes[g]!++;
      for (let j = 0; j < dim; j++) sums[g * dim + j]! += vectors[item * dim + j]!;
    }
    return { sums, sizes };
  };
  const byAuthor = groupMeans(side.author);
  const byCategory = groupMeans(side.category);
  const random = new Random(options.seed ?? 0);
  for (const item of base.emptyItems) {
    const author = side.author[item]!;
    const category = side.category[item]!;
    const { sums, sizes } = byAuthor.sizes[author]! > 0 ? byAuthor : byCategory;
    const g = sums === byAuthor.sums ? author : category;
    const row = vectors.subarray(item * dim, (item + 1) * dim);
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      row[j] = (sizes[g]! > 0 ? sums[g * dim + j]! / sizes[g]! : 0) + jitter * (random.next() - 0.5);
      norm += row[j]! * row[j]!;
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = 0; j < dim; j++) row[j]! *= scale;
  }
  return { vectors, count, dim };
}
