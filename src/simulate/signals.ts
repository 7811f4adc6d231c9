/**
 * The KuaiRand feedback signals the simulator emits, in the order of the
 * co-occurrence table of SIGNAL_STATS.md, and the published figures it is
 * calibrated against.
 */
export const calibratedSignals = [
  'is_hate',
  'is_forward',
  'is_follow',
  'is_comment',
  'is_like',
  'long_view',
  'is_click',
] as const;
export type CalibratedSignal = (typeof calibratedSignals)[number];

/** Every binary signal the simulator logs (is_profile_enter has no published rate: it is not calibrated). */
export const binarySignals = [...calibratedSignals, 'is_profile_enter'] as const;
export type BinarySignal = (typeof binarySignals)[number];

/** Rates and pairwise co-occurrences of the binary signals over a log of `interactions` impressions. */
export interface SignalStats {
  interactions: number;
  /** Positives per signal. */
  positives: Record<CalibratedSignal, number>;
  /** co[a][b]: impressions where both a and b are 1 (co[a][a] = positives of a). */
  cooccurrence: Record<CalibratedSignal, Record<CalibratedSignal, number>>;
}

export function signalRate(stats: SignalStats, signal: CalibratedSignal): number {
  return stats.positives[signal] / stats.interactions;
}

/** P(b = 1 | a = 1). */
export function conditionalRate(stats: SignalStats, b: CalibratedSignal, a: CalibratedSignal): number {
  const given = stats.positives[a];
  return given === 0 ? 0 : stats.cooccurrence[a][b] / given;
}

/**
 * The conditional rates the co-occurrence check holds to +-25%: P(rarer | commoner)
 * for every pair with at least `minCount` joint positives in the target log
 * (pairs seen a handful of times in 1.4M impressions carry no structure).
 */
export function checkedPairs(
  target: SignalStats,
  minCount = 100,
): Array<{ given: CalibratedSignal; signal: CalibratedSignal }> {
  const pairs: Array<{ given: CalibratedSignal; signal: CalibratedSignal }> = [];
  // calibratedSignals runs rarest first, so for i < j signal i is the rarer.
  for (let i = 0; i < calibratedSignals.length; i++) {
    for (let j = i + 1; j < calibratedSignals.length; j++) {
      const signal = calibratedSignals[i]!;
      const given = calibratedSignals[j]!;
      if (target.cooccurrence[given][signal] >= minCount) pairs.push({ given, signal });
    }
  }
  return pairs;
}

/** Counts signals into a SignalStats as impressions stream by. */
export class SignalCounter {
  interactions = 0;
  /** [7 x 7] joint counts, row-major in calibratedSignals order. */
  readonly joint = new Float64Array(calibratedSignals.length * calibratedSignals.length);
  readonly #on = new Int32Array(calibratedSignals.length);

  /** `flags` holds 0/1 per calibrated signal, in calibratedSignals order. */
  add(flags: ArrayLike<number>): void {
    this.interactions++;
    let count = 0;
    for (let s = 0; s < calibratedSignals.length; s++) if (flags[s]) this.#on[count++] = s;
    const width = calibratedSignals.length;
    for (let a = 0; a < count; a++) {
      const row = this.#on[a]! * width;
      for (let b = 0; b < count; b++) this.joint[row + this.#on[b]!]!++;
    }
  }

  merge(other: SignalCounter): void {
    this.interactions += other.interactions;
    for (let i = 0; i < this.joint.length; i++) this.joint[i]! += other.joint[i]!;
  }

  stats(): SignalStats {
    const width = calibratedSignals.length;
    const positives = {} as Record<CalibratedSignal, number>;
    const cooccurrence = {} as Record<CalibratedSignal, Record<CalibratedSignal, number>>;
    calibratedSignals.forEach((a, i) => {
      positives[a] = this.joint[i * width + i]!;
      const row = {} as Record<CalibratedSignal, number>;
      calibratedSignals.forEach((b, j) => {
        row[b] = this.joint[i * width + j]!;
      });
      cooccurrence[a] = row;
    });
    return { interactions: this.interactions, positives, cooccurrence };
  }
}
