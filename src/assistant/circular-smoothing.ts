/**
 * Smooths a periodic histogram (hours of the week, hours of the day) with a
 * Gaussian kernel that wraps around: hour 0 and the last hour are neighbours.
 * `bandwidth` is the kernel's standard deviation in bins (0 returns a copy); the
 * kernel is truncated at 3 bandwidths and normalised, so the total is kept.
 */
export function smoothCircular(values: ArrayLike<number>, bandwidth: number): Float64Array {
  const n = values.length;
  if (!(bandwidth >= 0)) throw new RangeError(`smoothCircular: bandwidth ${bandwidth} must be >= 0`);
  const out = new Float64Array(n);
  if (n === 0) return out;
  if (bandwidth === 0) {
    for (let i = 0; i < n; i++) out[i] = values[i]!;
    return out;
  }
  const reach = Math.min(Math.ceil(3 * bandwidth), Math.floor((n - 1) / 2));
  const weights = new Float64Array(2 * reach + 1);
  let total = 0;
  for (let offset = -reach; offset <= reach; offset++) {
    const weight = Math.exp(-(offset * offset) / (2 * bandwidth * bandwidth));
    weights[offset + reach] = weight;
    total += weight;
  }
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let offset = -reach; offset <= reach; offset++) {
      sum += weights[offset + reach]! * values[(((i + offset) % n) + n) % n]!;
    }
    out[i] = sum / total;
  }
  return out;
}
