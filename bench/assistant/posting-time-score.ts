import { type PostingTimeOptions, shareInWindows, suggestPostingTimes } from '../../src/assistant/index.js';

export interface BacktestScore {
  /** Mean over creators of the share of their fans' test-period activity inside the suggested windows. */
  shareInWindows: number;
  /** 95% interval half-width of that mean (normal approximation over creators). */
  ci95: number;
}

/**
 * Creators whose fans did nothing in the test period are skipped. Scores three ways of choosing windows for each creator: genfeed (their fans'
 * smoothed activity), the global peak (the same window picker on everyone's
 * activity before the same cut: `creator.global` when given) and two ablations: the fans' histogram without smoothing, and without the
 * hour-of-day pooling, with full pooling (hour of day only), and without the
 * recency weighting of the fans' events (`fitUnweighted`). `oracle` picks
 * the windows on the test week itself: the ceiling of any method.
 * Also the share a uniformly random placement would catch on average, and the
 * paired difference genfeed - global peak with its interval.
 */
export function scoreWindows(
  creators: ReadonlyArray<{
    fit: Float64Array;
    fitUnweighted?: Float64Array;
    test: Float64Array;
    global?: Float64Array;
  }>,
  global: Float64Array,
  options: PostingTimeOptions,
): Record<string, BacktestScore> {
  const sharedWindows = suggestPostingTimes(global, options);
  const windowsOf = new Map<Float64Array, ReturnType<typeof suggestPostingTimes>>();
  const shares: Record<string, number[]> = {
    genfeed: [],
    globalPeak: [],
    fansUnsmoothed: [],
    fansNoDailyPooling: [],
    fansHourOfDayOnly: [],
    fansNoRecencyWeighting: [],
    uniform: [],
    oracle: [],
  };
  const gain: number[] = [];
  const hours = (options.windowHours ?? 2) * (options.count ?? 3);
  for (const creator of creators) {
    if (creator.test.reduce((a, b) => a + b, 0) === 0) continue;
    shares.genfeed!.push(shareInWindows(creator.test, suggestPostingTimes(creator.fit, options)));
    let globalWindows = sharedWindows;
    if (creator.global) {
      globalWindows = windowsOf.get(creator.global) ?? suggestPostingTimes(creator.global, options);
      windowsOf.set(creator.global, globalWindows);
    }
    shares.globalPeak!.push(shareInWindows(creator.test, globalWindows));
    shares.fansUnsmoothed!.push(
      shareInWindows(creator.test, suggestPostingTimes(creator.fit, { ...options, bandwidth: 0 })),
    );
    shares.fansNoDailyPooling!.push(
      shareInWindows(creator.test, suggestPostingTimes(creator.fit, { ...options, dailyPooling: 0 })),
    );
    shares.fansHourOfDayOnly!.push(
      shareInWindows(creator.test, suggestPostingTimes(creator.fit, { ...options, dailyPooling: 1 })),
    );
    shares.fansNoRecencyWeighting!.push(
      shareInWindows(creator.test, suggestPostingTimes(creator.fitUnweighted ?? creator.fit, options)),
    );
    shares.oracle!.push(
      shareInWindows(
        creator.test,
        suggestPostingTimes(creator.test, { ...options, bandwidth: 0, dailyPooling: 0 }),
      ),
    );
    shares.uniform!.push(hours / creator.test.length);
    gain.push(shares.genfeed!.at(-1)! - shares.globalPeak!.at(-1)!);
  }
  return {
    ...Object.fromEntries(Object.entries(shares).map(([name, values]) => [name, summarise(values)])),
    genfeedMinusGlobalPeak: summarise(gain),
  };
}

function summarise(values: number[]): BacktestScore {
  const n = values.length;
  if (n === 0) return { shareInWindows: Number.NaN, ci95: Number.NaN };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / Math.max(1, n - 1);
  return { shareInWindows: mean, ci95: 1.96 * Math.sqrt(variance / n) };
}
