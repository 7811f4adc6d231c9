import { type HeadName, numHeads } from './signals.js';

/**
 * The hand-tuned formula the learned fusion replaces (docs/reward.md, "The
 * fixed formula"): a weighted sum of predicted probabilities, as a platform
 * would set it. Each weight is roughly the value of the action over its
 * rarity: watching signals near 1, engagement rarer and worth more, a hate
 * strongly negative.
 */
export const formulaWeights: Readonly<Record<HeadName, number>> = {
  is_click: 1,
  long_view: 2,
  watch_pct: 2,
  is_like: 10,
  is_follow: 40,
  is_comment: 20,
  is_forward: 20,
  is_profile_enter: 5,
  is_hate: -100,
};

const weights = Object.values(formulaWeights);
const order = Object.keys(formulaWeights) as HeadName[];

/** The formula's score of each row of [N, 9] predicted probabilities (head order of `headNames`). */
export function formulaScores(predictions: Float32Array, headOrder: readonly HeadName[]): Float32Array {
  const N = predictions.length / numHeads;
  const columns = order.map((name) => headOrder.indexOf(name));
  const out = new Float32Array(N);
  for (let n = 0; n < N; n++) {
    let score = 0;
    for (let w = 0; w < weights.length; w++) score += weights[w]! * predictions[n * numHeads + columns[w]!]!;
    out[n] = score;
  }
  return out;
}
