import type { Random } from '../core/index.js';

/**
 * Assumed, not measured (the logs that would give them are not public in
 * aggregate here): how often a user of each KuaiRand `user_active_degree`
 * opens the app. `returnLogit` = logit of being active on a day at reference
 * satisfaction; `extraSessions` = Poisson mean of sessions beyond the first.
 */
const activityByDegree: Record<string, { returnLogit: number; extraSessions: number }> = {
  full_active: { returnLogit: 2.2, extraSessions: 2 },
  high_active: { returnLogit: 0.85, extraSessions: 1 },
  middle_active: { returnLogit: -0.2, extraSessions: 0.5 },
  '2_14_day_new': { returnLogit: -0.6, extraSessions: 0.5 },
  '30day_retention': { returnLogit: -0.6, extraSessions: 0.5 },
  day_new: { returnLogit: -0.6, extraSessions: 0.5 },
};
const lowActivity = { returnLogit: -1.7, extraSessions: 0.2 };

export function activityOf(degree: string): { returnLogit: number; extraSessions: number } {
  return activityByDegree[degree] ?? lowActivity;
}

/**
 * Assumed share of sessions starting in each hour (0-23) for a short-video app:
 * a night trough, a lunch bump and an evening peak. Each user's own peak hour
 * is drawn from it.
 */
export const hourShares: readonly number[] = normalised([
  3.0, 1.8, 1.1, 0.7, 0.5, 0.6, 1.2, 2.4, 3.4, 3.8, 3.9, 4.2, 5.2, 5.0, 4.2, 4.0, 4.1, 4.4, 5.0, 6.0, 6.8,
  7.0, 6.2, 4.6,
]);

function normalised(values: number[]): number[] {
  const total = values.reduce((sum, value) => sum + value, 0);
  return values.map((value) => value / total);
}

/** Index drawn with probability proportional to `weights`. */
export function drawIndex(weights: readonly number[], random: Random): number {
  let total = 0;
  for (const weight of weights) total += weight;
  let u = random.next() * total;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i]!;
    if (u < 0) return i;
  }
  return weights.length - 1;
}

/** A session's start hour: near the user's peak 70% of the time, else anywhere by the population curve. */
export function sessionHour(peakHour: number, random: Random): number {
  if (random.next() < 0.3) return drawIndex(hourShares, random);
  return (((peakHour + Math.round(random.normal() * 2.5)) % 24) + 24) % 24;
}

/** Fills the behavioural traits of users `from..size` of a population being built. */
export function drawTraits(
  traits: {
    activeDegree: string[];
    returnLogit: Float32Array;
    extraSessions: Float32Array;
    peakHour: Uint8Array;
    expressiveness: Float32Array;
  },
  degrees: ReadonlyArray<{ degree: string; share: number }>,
  random: Random,
): void {
  const weights = degrees.map((entry) => entry.share);
  for (let user = 0; user < traits.returnLogit.length; user++) {
    const degree = degrees[drawIndex(weights, random)]!.degree;
    const activity = activityOf(degree);
    traits.activeDegree[user] = degree;
    traits.returnLogit[user] = activity.returnLogit;
    traits.extraSessions[user] = activity.extraSessions;
    traits.peakHour[user] = drawIndex(hourShares, random);
    traits.expressiveness[user] = random.normal();
  }
}
