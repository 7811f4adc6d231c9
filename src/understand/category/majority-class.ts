/** The most frequent training label (ties: the first seen), predicted for everything. */
export function majorityLabel(labels: readonly string[]): string {
  if (labels.length === 0) throw new RangeError('majorityLabel: no labels');
  const counts = new Map<string, number>();
  let best = labels[0]!;
  for (const label of labels) {
    const count = (counts.get(label) ?? 0) + 1;
    counts.set(label, count);
    if (count > counts.get(best)!) best = label;
  }
  return best;
}
