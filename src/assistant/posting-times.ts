import { smoothCircular } from './circular-smoothing.js';
import { formatHourOfWeek } from './hour-of-week.js';

export interface PostingTimeOptions {
  /** [bins] uploads by other creators per bin: the competition (default none). */
  competition?: ArrayLike<number>;
  /** Weight of the competition penalty (default 0.5; 0 ignores it). */
  competitionWeight?: number;
  /** Standard deviation of the circular Gaussian kernel, in bins (default 1.5 hours). */
  bandwidth?: number;
  /** Width of a suggested window, in bins (default 2). */
  windowHours?: number;
  /** How many windows (default 3; they never overlap). */
  count?: number;
  /**
   * For 168-bin input: weight beta of the hour-of-day profile mixed into each
   * hour of the week (default 0.5; 0 keeps the raw week). A few fans over two
   * weeks leave most hours of the week with a handful of events; their
   * hour-of-day profile is seven times better sampled.
   */
  dailyPooling?: number;
}

export interface PostingWindow {
  /** First bin of the window (hour of week when the input has 168 bins). */
  start: number;
  hours: number;
  /** `Tue 19:00-21:00` for 168-bin input. */
  label: string;
  /** Share of the (unsmoothed) input activity that fell in the window. */
  activityShare: number;
  /** What the windows were ranked by: smoothed share, divided by the competition factor. */
  score: number;
}

export const postingTimeDefaults = {
  competitionWeight: 0.5,
  bandwidth: 1.5,
  windowHours: 2,
  count: 3,
  dailyPooling: 0.5,
} as const;

/**
 * The best times to post, from when the audience is active. Per bin h:
 *
 *   x_h = (1 - beta) * activity_h + beta * (sum over the 7 days of activity at h's hour of day) / 7
 *   a_h = smooth(x)_h / total,  c_h = smooth(competition)_h / mean(smooth(competition))
 *   s_h = a_h / (1 + lambda * c_h)
 *
 * (a post competes with the other uploads of its hour for the same attention),
 * then `count` non-overlapping circular windows of `windowHours` bins with the
 * highest sum of s, picked greedily. Works for any cycle length (168 hours of
 * the week, 24 hours of the day).
 */
export function suggestPostingTimes(
  activity: ArrayLike<number>,
  options: PostingTimeOptions = {},
): PostingWindow[] {
  const { competitionWeight, bandwidth, windowHours, count, dailyPooling } = {
    ...postingTimeDefaults,
    ...options,
  };
  const bins = activity.length;
  if (bins === 0) throw new RangeError('suggestPostingTimes: the activity histogram is empty');
  if (!(Number.isInteger(windowHours) && windowHours >= 1 && windowHours <= bins))
    throw new RangeError(
      `suggestPostingTimes: windowHours ${windowHours} must be an integer in [1, ${bins}]`,
    );
  if (!(Number.isInteger(count) && count >= 1))
    throw new RangeError(`suggestPostingTimes: count ${count} must be a positive integer`);
  let total = 0;
  for (let h = 0; h < bins; h++) {
    if (!(activity[h]! >= 0))
      throw new RangeError(`suggestPostingTimes: activity ${activity[h]} at bin ${h}`);
    total += activity[h]!;
  }
  if (!(dailyPooling >= 0 && dailyPooling <= 1))
    throw new RangeError(`suggestPostingTimes: dailyPooling ${dailyPooling} must be in [0, 1]`);
  const smoothed = smoothCircular(
    bins === 168 && dailyPooling > 0 ? poolDays(activity, dailyPooling) : activity,
    bandwidth,
  );
  const score = new Float64Array(bins);
  for (let h = 0; h < bins; h++) score[h] = total > 0 ? smoothed[h]! / total : 1 / bins;
  if (options.competition && competitionWeight > 0) {
    if (options.competition.length !== bins)
      throw new RangeError(
        `suggestPostingTimes: competition has ${options.competition.length} bins, activity ${bins}`,
      );
    const crowd = smoothCircular(options.competition, bandwidth);
    let mean = 0;
    for (const value of crowd) mean += value / bins;
    if (mean > 0) for (let h = 0; h < bins; h++) score[h]! /= 1 + (competitionWeight * crowd[h]!) / mean;
  }
  const windowScore = (start: number) => {
    let sum = 0;
    for (let k = 0; k < windowHours; k++) sum += score[(start + k) % bins]!;
    return sum;
  };
  const taken = new Uint8Array(bins);
  const windows: PostingWindow[] = [];
  for (let pick = 0; pick < count; pick++) {
    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let start = 0; start < bins; start++) {
      let free = true;
      for (let k = 0; k < windowHours && free; k++) free = taken[(start + k) % bins] === 0;
      if (!free) continue;
      const value = windowScore(start);
      if (value > bestScore) {
        bestScore = value;
        best = start;
      }
    }
    if (best < 0) break;
    for (let k = 0; k < windowHours; k++) taken[(best + k) % bins] = 1;
    const window = {
      start: best,
      hours: windowHours,
      label: windowLabel(best, windowHours, bins),
      score: bestScore,
    };
    windows.push({ ...window, activityShare: shareInWindows(activity, [window]) });
  }
  return windows;
}

/** Share of `activity` (per bin) that falls inside the union of the windows. */
export function shareInWindows(
  activity: ArrayLike<number>,
  windows: ReadonlyArray<{ start: number; hours: number }>,
): number {
  const bins = activity.length;
  const inside = new Uint8Array(bins);
  for (const window of windows) for (let k = 0; k < window.hours; k++) inside[(window.start + k) % bins] = 1;
  let total = 0;
  let hit = 0;
  for (let h = 0; h < bins; h++) {
    total += activity[h]!;
    if (inside[h] === 1) hit += activity[h]!;
  }
  return total > 0 ? hit / total : 0;
}

/** Mixes each hour of the week with the mean of the same hour over the week's seven days. */
function poolDays(activity: ArrayLike<number>, beta: number): Float64Array {
  const daily = new Float64Array(24);
  for (let h = 0; h < 168; h++) daily[h % 24]! += activity[h]! / 7;
  return Float64Array.from({ length: 168 }, (_, h) => (1 - beta) * activity[h]! + beta * daily[h % 24]!);
}

function windowLabel(start: number, hours: number, bins: number): string {
  if (bins !== 168) return `${start}-${(start + hours) % bins}`;
  const end = formatHourOfWeek(start + hours).slice(4);
  return `${formatHourOfWeek(start)}-${end}`;
}
