/**
 * How many users consumed each item (each user counted once per item), and the
 * same scaled to [0, 1] by the most popular item.
 */
export function itemUserCounts(sequences: readonly Int32Array[], numItems: number): Float32Array {
  const counts = new Float32Array(numItems);
  const lastUser = new Int32Array(numItems).fill(-1);
  sequences.forEach((sequence, user) => {
    for (const item of sequence) {
      if (lastUser[item] !== user) {
        lastUser[item] = user;
        counts[item]!++;
      }
    }
  });
  return counts;
}

export function scaledToMax(values: Float32Array): Float32Array {
  let max = 0;
  for (const value of values) if (value > max) max = value;
  return max > 0 ? values.map((value) => value / max) : new Float32Array(values.length);
}
