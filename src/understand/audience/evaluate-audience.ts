import type { Progress } from '../../core/index.js';
import { silentProgress } from '../../core/index.js';
import type { AudienceFinder, AudienceWeights } from './audience-finder.js';
import { blend } from './audience-finder.js';
import { audienceFigures } from './audience-metrics.js';

/** One held-out item: who truly cares, and who is not a candidate (already known to have seen it). */
export interface AudienceCase {
  item: number;
  positives: readonly number[];
  excluded: readonly number[];
}

/** Mean Recall@K and AUC over the cases a blend could be scored on. */
export interface AudienceScore {
  /** Mean Recall@k. */
  recall: number;
  k: number;
  auc: number;
  /** Cases with at least one positive and one negative candidate. */
  items: number;
}

/**
 * Scores several blends on the same held-out cases (the signals of an item are
 * computed once and shared by every blend). Figures are macro-averages over
 * items; `k` defaults to 100, the reports' cut-off.
 */
export function evaluateAudience(
  finder: AudienceFinder,
  cases: readonly AudienceCase[],
  blends: Record<string, AudienceWeights>,
  options: { k?: number; progress?: Progress } = {},
): Record<string, AudienceScore> {
  const k = options.k ?? 100;
  const progress = options.progress ?? silentProgress;
  const names = Object.keys(blends);
  const sums = names.map(() => ({ recall: 0, auc: 0, items: 0 }));
  const candidate = new Uint8Array(finder.log.numUsers);
  progress.start('audience cases', cases.length);
  let done = 0;
  for (const { item, positives, excluded } of cases) {
    const signals = finder.signals(item);
    candidate.fill(1);
    for (const user of excluded) candidate[user] = 0;
    names.forEach((name, b) => {
      const figures = audienceFigures(blend(signals, blends[name]!), positives, candidate, k);
      if (figures === undefined) return;
      sums[b]!.recall += figures.recallAtK;
      sums[b]!.auc += figures.auc;
      sums[b]!.items++;
    });
    progress.update(++done);
  }
  progress.stop();
  const report: Record<string, AudienceScore> = {};
  names.forEach((name, b) => {
    const { recall, auc, items } = sums[b]!;
    report[name] = { recall: items === 0 ? 0 : recall / items, k, auc: items === 0 ? 0 : auc / items, items };
  });
  return report;
}

/**
 * Picks blend weights on validation cases: every point of the simplex grid of
 * step `step` (66 points at 0.1), scored by Recall@K plus AUC; ties keep the
 * first point met. Tune on cases held out from the training log, never the test cases.
 */
export function tuneAudienceWeights(
  finder: AudienceFinder,
  cases: readonly AudienceCase[],
  options: { step?: number; k?: number } = {},
): AudienceWeights {
  const step = options.step ?? 0.1;
  const steps = Math.round(1 / step);
  const grid: Record<string, AudienceWeights> = {};
  for (let a = 0; a <= steps; a++) {
    for (let b = 0; a + b <= steps; b++) {
      const weights = { content: a / steps, collaborative: b / steps, activity: (steps - a - b) / steps };
      grid[`${a},${b}`] = weights;
    }
  }
  const scores = evaluateAudience(finder, cases, grid, { k: options.k ?? 100 });
  let best = '';
  let bestValue = Number.NEGATIVE_INFINITY;
  for (const [name, score] of Object.entries(scores)) {
    const value = score.recall + score.auc;
    if (value > bestValue) {
      bestValue = value;
      best = name;
    }
  }
  return grid[best]!;
}
