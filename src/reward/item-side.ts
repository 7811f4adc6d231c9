/**
 * What the reward model knows of each item besides its id. Authors and
 * categories are dense indices, -1 when unknown (a KuaiRand log alone carries
 * durations only).
 */
export interface ItemSide {
  numItems: number;
  numAuthors: number;
  numCategories: number;
  author: Int32Array;
  category: Int32Array;
  durationMs: Float32Array;
}

/** Item side from a log alone: each item's logged duration, no authors or categories. */
export function itemSideOfDurations(numItems: number, items: Int32Array, durationMs: Float32Array): ItemSide {
  const duration = new Float32Array(numItems);
  for (let k = 0; k < items.length; k++) duration[items[k]!] = durationMs[k]!;
  return {
    numItems,
    numAuthors: 0,
    numCategories: 0,
    author: new Int32Array(numItems).fill(-1),
    category: new Int32Array(numItems).fill(-1),
    durationMs: duration,
  };
}
