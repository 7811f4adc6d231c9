/**
 * The answer of `bench:scale` (issue 18): per catalogue size, each pipeline's
 * quality-against-CPU front, its best quality-per-CPU point, and the
 * generative / cascade CPU ratio at equal quality. Definitions in docs/scale.md.
 */

/** What the front reads of a measured knob setting. */
export interface CostQuality {
  cpuMsPerRequest: number;
  quality: number;
}

/**
 * The Pareto front: the points no other point dominates (dominates = CPU no
 * higher and quality no lower, one of them strictly), cheapest first. Along it
 * quality rises strictly with CPU. Equal points keep the first.
 */
export function paretoFront<P extends CostQuality>(points: readonly P[]): P[] {
  const sorted = [...points].sort((a, b) => a.cpuMsPerRequest - b.cpuMsPerRequest || b.quality - a.quality);
  const front: P[] = [];
  for (const point of sorted) {
    const last = front.at(-1);
    if (last === undefined || point.quality > last.quality) front.push(point);
  }
  return front;
}

/**
 * The best quality-per-CPU point: the front point with the largest
 * (quality - floor) / CPU ms, where `floor` is the quality of a random feed
 * (what serving nothing better would give). Undefined for an empty front.
 */
export function bestPoint<P extends CostQuality>(front: readonly P[], floor: number): P | undefined {
  let best: P | undefined;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (const point of front) {
    const value = (point.quality - floor) / point.cpuMsPerRequest;
    if (value > bestValue) {
      best = point;
      bestValue = value;
    }
  }
  return best;
}

/**
 * CPU ms per request a front needs to reach `quality`: the cheapest front
 * point if it already reaches it, else linear interpolation in (quality, CPU)
 * between the two consecutive front points around it; undefined when the
 * front never reaches it.
 */
export function cpuAtQuality(front: readonly CostQuality[], quality: number): number | undefined {
  const first = front[0];
  if (first === undefined) return undefined;
  if (first.quality >= quality) return first.cpuMsPerRequest;
  for (let i = 1; i < front.length; i++) {
    const low = front[i - 1]!;
    const high = front[i]!;
    if (high.quality >= quality) {
      const share = (quality - low.quality) / (high.quality - low.quality);
      return low.cpuMsPerRequest + share * (high.cpuMsPerRequest - low.cpuMsPerRequest);
    }
  }
  return undefined;
}

/** `cpuRatioAtEqualQuality` with what it was read at, or null and why. */
export interface EqualQualityRatio {
  ratio: number | null;
  /** The quality compared at: the cascade's best point's. */
  quality: number;
  generativeCpuMs: number | null;
  cascadeCpuMs: number;
  reason?: string;
}

/**
 * Generative CPU / cascade CPU at the quality of the cascade's best point (the
 * comparison the issue asks for: the cascade at its best quality per CPU, not
 * its most expensive), the generative CPU read off its front by `cpuAtQuality`
 * (equal or better quality). Null when the generative front stays below it.
 */
export function cpuRatioAtEqualQuality(
  generativeFront: readonly CostQuality[],
  cascadeBest: CostQuality,
): EqualQualityRatio {
  const quality = cascadeBest.quality;
  const generativeCpuMs = cpuAtQuality(generativeFront, quality);
  if (generativeCpuMs === undefined) {
    const top = Math.max(...generativeFront.map((point) => point.quality));
    return {
      ratio: null,
      quality,
      generativeCpuMs: null,
      cascadeCpuMs: cascadeBest.cpuMsPerRequest,
      reason: `the generative front tops out at quality ${top.toFixed(4)}, below the cascade's best point (${quality.toFixed(4)})`,
    };
  }
  return {
    ratio: generativeCpuMs / cascadeBest.cpuMsPerRequest,
    quality,
    generativeCpuMs,
    cascadeCpuMs: cascadeBest.cpuMsPerRequest,
  };
}
