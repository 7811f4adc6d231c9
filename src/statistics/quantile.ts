/** The q-quantile of already sorted values by the nearest-rank rule (NaN when empty). */
export function nearestRank(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** The q-quantile by the nearest-rank rule (0 for no values, so summaries stay finite). */
export function quantile(values: ArrayLike<number>, q: number): number {
  return values.length === 0 ? 0 : nearestRank(Float64Array.from(values).sort(), q);
}

/** The q-quantile interpolated linearly between the two nearest ranks (numpy's default). */
export function interpolatedQuantile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) throw new RangeError('quantile of an empty list');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q ${q} must be in [0, 1]`);
  const sorted = Float64Array.from(values).sort();
  const position = q * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.min(sorted.length - 1, low + 1);
  return sorted[low]! + (position - low) * (sorted[high]! - sorted[low]!);
}
