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
    const candidates = Array.from(touched.subarray(0, touchedCount), (other) => ({
      other,
      weight: coCounts[other]! / (Math.sqrt(counts[item]! * counts[other]!) + shrink),
    }));
    for (let t = 0; t < touchedCount; t++) coCounts[touched[t]!] = 0;
    candidates.sort((a, b) => b.weight - a.weight || a.other - b.other);
    const kept = candidates.slice(0, neighbours);
    rows.push({
      items: Int32Array.from(kept, (candidate) => candidate.other),
      weights: Float32Array.from(kept, (candidate) => candidate.weight),
    });
    offsets[item + 1] = offsets[item]! + kept.length;
  }
  const items = new Int32Array(offsets[numItems]!);
  const weights = new Float32Array(offsets[numItems]!);
  rows.forEach((row, item) => {
    items.set(row.items, offsets[item]!);
    weights.set(row.weights, offsets[item]!);
  });
  return { offsets, items, weights };
}
