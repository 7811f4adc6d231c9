/** Arithmetic mean (NaN for no values). */
export function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Sample variance (n - 1 in the denominator), two-pass around `centre` (default the mean). */
export function sampleVariance(values: readonly number[], centre = mean(values)): number {
  return values.reduce((sum, value) => sum + (value - centre) ** 2, 0) / (values.length - 1);
}

/** Standard error of the mean, sqrt(variance / n). */
export function standardError(values: readonly number[], centre = mean(values)): number {
  return Math.sqrt(sampleVariance(values, centre) / values.length);
}

/**
 * Count, mean and variance of a stream, for callers that do not keep the
 * values (one figure per user of an evaluation). One-pass sums: the variance is
 * sum(x^2) - n mean^2 over n - 1, clamped at 0 against rounding.
 */
export class RunningMoments {
  count = 0;
  sum = 0;
  sumOfSquares = 0;

  add(value: number): void {
    this.count++;
    this.sum += value;
    this.sumOfSquares += value * value;
  }

  get mean(): number {
    return this.sum / this.count;
  }

  /** 0 below two values. */
  get variance(): number {
    const n = this.count;
    const mean = this.mean;
    return n > 1 ? Math.max(0, (this.sumOfSquares - n * mean * mean) / (n - 1)) : 0;
  }

  get standardError(): number {
    return Math.sqrt(this.variance / this.count);
  }
}
