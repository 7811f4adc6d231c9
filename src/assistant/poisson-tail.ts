/**
 * P(X >= count) for X ~ Poisson(mean): the chance of seeing at least `count`
 * events when `mean` are expected. Summed in log space for small means; a
 * continuity-corrected normal tail above a mean of 500, where the two agree
 * to the precision a burst threshold needs.
 */
export function poissonUpperTail(count: number, mean: number): number {
  if (count <= 0) return 1;
  if (!(mean > 0)) return 0;
  if (mean > 500) return normalUpperTail((count - 0.5 - mean) / Math.sqrt(mean));
  // 1 - P(X <= count - 1), with the terms built up by the ratio mean / k.
  let term = Math.exp(-mean);
  let cdf = term;
  for (let k = 1; k < count; k++) {
    term *= mean / k;
    cdf += term;
    if (term < 1e-300 && k > mean) break;
  }
  return Math.max(0, 1 - cdf);
}

/** P(Z >= z) for a standard normal Z (Abramowitz & Stegun 7.1.26 erfc, error < 1.5e-7). */
export function normalUpperTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erfc = poly * Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}
