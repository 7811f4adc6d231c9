import { InvalidInputError } from '../core/index.js';
import { type HeadName, headNames, numHeads } from '../reward/index.js';
import type { PolicyFactory } from './policy.js';
import { rewardRankingPolicy } from './reward-policies.js';
import { type TunedWeights, tunedFormulaWeights } from './tuned-formula-weights.js';
import type { World } from './world.js';

export type FormulaWeights = Record<HeadName, number>;

/** Score of each row of [N, 9] head probabilities (order `headNames`) under `weights`. */
export function weightedFormulaScores(predictions: Float32Array, weights: FormulaWeights): Float32Array {
  const N = predictions.length / numHeads;
  const perHead = Float64Array.from(headNames, (name) => weights[name]);
  const out = new Float32Array(N);
  for (let n = 0; n < N; n++) {
    let score = 0;
    for (let h = 0; h < numHeads; h++) score += perHead[h]! * predictions[n * numHeads + h]!;
    out[n] = score;
  }
  return out;
}

/** The fixed-formula policy with other weights: the same recall candidates and reward heads. */
export function formulaPolicy(name: string, weights: FormulaWeights): PolicyFactory {
  return rewardRankingPolicy(
    name,
    'recall candidates ranked by a weighted sum of the reward heads (weights searched by tuneFormulaWeights)',
    (scores) => weightedFormulaScores(scores.predictions, weights),
  );
}

/** The uniform strength of `world`'s satisfaction departures (0 without them), or undefined when they differ. */
export function uniformWorldStrength(world: World): number | undefined {
  const strengths = world.departures ? Object.values(world.departures.strengths) : [0];
  return strengths.every((value) => value === strengths[0]) ? strengths[0] : undefined;
}

/** The frozen weights tuned for `world`'s strength (tuned-formula-weights.ts); a clear error when there are none. */
export function tunedWeightsOf(world: World): TunedWeights {
  const strength = uniformWorldStrength(world);
  const tuned = strength === undefined ? undefined : tunedFormulaWeights[String(strength)];
  if (!tuned) {
    const known = Object.keys(tunedFormulaWeights);
    throw new InvalidInputError(
      `tuned-formula has weights for world strengths ${known.length > 0 ? known.join(', ') : '(none yet)'}, ` +
        `not for ${strength ?? 'departures of unequal strengths'}: tune them with genfeed reward tune-formula --world-strength <s>`,
    );
  }
  return tuned;
}

/**
 * The formula with its weights tuned on a separate world of the same strength
 * (`genfeed reward tune-formula`, docs/simulate.md "How the formula baseline is
 * tuned"): the baseline the learned reward is measured against.
 */
export const tunedFormulaPolicy: PolicyFactory = {
  name: 'tuned-formula',
  description:
    'recall candidates ranked by the formula over the reward heads with weights tuned on a separate world of the same strength',
  create(context) {
    return formulaPolicy('tuned-formula', tunedWeightsOf(context.world).weights).create(context);
  },
};
