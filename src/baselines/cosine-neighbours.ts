import { topK } from '../eval/index.js';

/** Each item's nearest items, in compressed rows: neighbours of item i are at offsets[i]..offsets[i+1]. */
export interface Neighbours {
  offsets: Int32Array;
  items: Int32Array;
  weights: Float32Array;
}

export interface CosineNeighboursOptions {
  /** Neighbours kept per item (the most similar). */
  neighbours: number;
  /**
   * Shrinkage: similarity = co-count / (sqrt(count_i * count_j) + shrink), which
   * damps similarities resting on few common users (Koren 2008; Sarwar et al. 2001).
   */
  shrink: number;
}

/**
 * Item-item cosine similarity over binary user-item incidence (each user
 * counted once per item), keeping the top neighbours of every item.
 * Cost is sum over users of |items_u|^2, with one dense accumulator row.
 */
export function cosineNeighbours(
  sequences: readonly Int32Array[],
  numItems: number,
  options: CosineNeighboursOptions,
): Neighbours {
  const { neighbours, shrink } = options;
  if (!(neighbours >= 1)) throw new RangeError(`neighbours must be >= 1, got ${neighbours}`);
  if (!(shrink >= 0)) throw new RangeError(`shrink must be >= 0, got ${shrink}`);
  const userItems = sequences.map((sequence) => Int32Array.from(new Set(sequence)));
  const counts = new Float32Array(numItems);
  for (const items of userItems) for (const item of items) counts[item]!++;

  // Inverted index: item -> users who consumed it.
  const userOffsets = new Int32Array(numItems + 1);
  for (const items of userItems) for (const item of items) userOffsets[item + 1]!++;
  for (let item = 0; item < numItems; item++) userOffsets[item + 1]! += userOffsets[item]!;
  const itemUsers = new Int32Array(userOffsets[numItems]!);
  const filled = userOffsets.slice(0, numItems);
  userItems.forEach((items, user) => {
    for (const item of items) itemUsers[filled[item]!++] = user;
  });

  const coCounts = new Float32Array(numItems);
  const touched = new Int32Array(numItems);
  const candidateWeights = new Float32Array(numItems);
  const selected = new Int32Array(Math.min(neighbours, numItems));
  const offsets = new Int32Array(numItems + 1);
  const rows: Array<{ items: Int32Array; weights: Float32Array }> = [];
  for (let item = 0; item < numItems; item++) {
    let touchedCount = 0;
    for (let u = userOffsets[item]!; u < userOffsets[item + 1]!; u++) {
      for (const other of userItems[itemUsers[u]!]!) {
        if (other === item) continue;
        if (coCounts[other] === 0) touched[touchedCount++] = other;
        coCounts[other]!++;
      }
    }
    // Touched items in id order, so equal similarities keep the lower id first.
    const candidates = touched.subarray(0, touchedCount).sort();
    const weights = candidateWeights.subarray(0, touchedCount);
    for (let c = 0; c < touchedCount; c++) {
      const other = candidates[c]!;
      weights[c] = coCounts[other]! / (Math.sqrt(counts[item]! * counts[other]!) + shrink);
      coCounts[other] = 0;
    }
    const best =
      touchedCount > 0
        ? topK(weights, Math.min(neighbours, touchedCount), selected)
        : selected.subarray(0, 0);
    rows.push({
      items: Int32Array.from(best, (position) => candidates[position]!),
      weights: Float32Array.from(best, (position) => weights[position]!),
    });
    offsets[item + 1] = offsets[item]! + best.length;
  }
  const items = new Int32Array(offsets[numItems]!);
  const weights = new Float32Array(offsets[numItems]!);
  rows.forEach((row, item) => {
    items.set(row.items, offsets[item]!);
    weights.set(row.weights, offsets[item]!);
  });
  return { offsets, items, weights };
}
