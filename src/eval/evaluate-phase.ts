import { type Progress, silentProgress } from '../core/index.js';
import { RunningMoments } from '../statistics/index.js';
import { ndcgAtK, recallAtK, reciprocalRank } from './metrics.js';
import type { Recommender } from './recommender.js';
import type { EvalPhase } from './split.js';
import { topK } from './top-k.js';

export interface PhaseResult {
  /** Users evaluated: those with at least one target and a non-empty history. */
  users: number;
  /** Users with targets but no history (cold), left out of the metrics. */
  coldUsers: number;
  /** recall@K, ndcg@K and coverage@K (share of the catalogue in anyone's top K) for each K, and mrr. */
  metrics: Record<string, number>;
  /**
   * Half-width of the 95% confidence interval of each per-user mean metric
   * (1.96 standard errors): how far the figure could move on another sample of users.
   */
  ci95: Record<string, number>;
}

export interface EvaluatePhaseOptions {
  /** Cut-offs reported. Default [5, 10, 20]. */
  ks?: readonly number[];
  progress?: Progress;
}

/**
 * Full-catalogue ranking of one phase: every item is scored, the user's
 * excluded (already consumed) items are removed, and the top of what is left
 * is compared with the targets. A model with `recommend` gives its own top
 * list instead (generative retrieval). Metrics are means over evaluated users.
 */
export function evaluatePhase(
  model: Recommender,
  phase: EvalPhase,
  numItems: number,
  options: EvaluatePhaseOptions = {},
): PhaseResult {
  const ks = [...(options.ks ?? [5, 10, 20])].sort((a, b) => a - b);
  const maxK = ks.at(-1) ?? 10;
  const progress = options.progress ?? silentProgress;
  const scores = new Float32Array(numItems);
  const ranked = new Int32Array(maxK);
  // Per-user figures are streamed, not kept: a phase can have millions of users.
  const moments = new Map<string, RunningMoments>();
  const add = (key: string, value: number) => {
    const running = moments.get(key) ?? new RunningMoments();
    running.add(value);
    moments.set(key, running);
  };
  const recommended = new Map(ks.map((k) => [k, new Uint8Array(numItems)]));
  let users = 0;
  let coldUsers = 0;

  const numUsers = phase.targets.length;
  progress.start(`evaluate ${phase.name}`, numUsers);
  for (let user = 0; user < numUsers; user++) {
    const targetList = phase.targets[user]!;
    if (targetList.length === 0) continue;
    const history = phase.history[user]!;
    if (history.length === 0) {
      coldUsers++;
      continue;
    }
    const targets = new Set(targetList);
    let top: Int32Array;
    if (model.recommend !== undefined) {
      // A generated list: rank within it; a target outside it has reciprocal rank 0.
      top = model.recommend(user, history, maxK, phase.exclude[user]!).items.subarray(0, maxK);
      const rank = top.findIndex((item) => targets.has(item));
      add('mrr', rank < 0 ? 0 : 1 / (rank + 1));
    } else {
      scores.fill(0);
      model.score(user, history, scores);
      for (const item of phase.exclude[user]!) scores[item] = Number.NEGATIVE_INFINITY;
      top = topK(scores, maxK, ranked);
      add('mrr', reciprocalRank(scores, targets));
    }
    for (const k of ks) {
      add(`recall@${k}`, recallAtK(top, targets, k));
      add(`ndcg@${k}`, ndcgAtK(top, targets, k));
    }
    for (const [k, flags] of recommended) {
      for (let i = 0; i < Math.min(k, top.length); i++) flags[top[i]!] = 1;
    }
    users++;
    if ((user & 1023) === 0) progress.update(user);
  }
  progress.update(numUsers);
  progress.stop();

  const metrics: Record<string, number> = {};
  const ci95: Record<string, number> = {};
  for (const [key, running] of moments) {
    metrics[key] = running.mean;
    // The rounded z evaluation reports have always used (not Z975), so published figures stay comparable.
    ci95[key] = 1.96 * running.standardError;
  }
  for (const [k, flags] of recommended) {
    let covered = 0;
    for (const flag of flags) covered += flag;
    metrics[`coverage@${k}`] = numItems > 0 ? covered / numItems : 0;
  }
  return { users, coldUsers, metrics, ci95 };
}
