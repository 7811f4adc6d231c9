import type { HeadName } from '../reward/index.js';

export interface TunedWeights {
  weights: Record<HeadName, number>;
  /** Stay seconds per user-day of the winner over its tuning seeds. */
  meanStayTime: number;
  /** The command that produced them. */
  command: string;
}

/**
 * The formula's weights frozen per world strength before the evaluation A/B
 * (pre-registered in docs/simulate.md; the search: tune-formula.ts). Keyed by
 * the strength as written (`String(strength)`).
 */
export const tunedFormulaWeights: Readonly<Record<string, TunedWeights>> = {
  '0': {
    weights: {
      is_click: 0.8009154862373393,
      long_view: 6.806736639188966,
      watch_pct: 2.6048587921559836,
      is_like: 5.5032411446569025,
      is_follow: 18.919034258041012,
      is_comment: 12.279792592892989,
      is_forward: 14.25193525540629,
      is_profile_enter: 2.1686585826050315,
      is_hate: -293.3595762673102,
    },
    meanStayTime: 3500.9,
    command: 'genfeed reward tune-formula --world-strength 0 --users 1000 --seed 7',
  },
  '0.5': {
    weights: {
      is_click: 0.859996673692978,
      long_view: 6.3257754969845505,
      watch_pct: 2.378537911727845,
      is_like: 18.741826906428276,
      is_follow: 28.580599254899674,
      is_comment: 9.81263633806255,
      is_forward: 17.401800145004977,
      is_profile_enter: 1.4817491035944765,
      is_hate: -164.71785262598473,
    },
    meanStayTime: 4586.5,
    command: 'genfeed reward tune-formula --world-strength 0.5 --users 1000 --seed 7',
  },
  '1': {
    weights: {
      is_click: 0.859996673692978,
      long_view: 6.3257754969845505,
      watch_pct: 2.378537911727845,
      is_like: 18.741826906428276,
      is_follow: 28.580599254899674,
      is_comment: 9.81263633806255,
      is_forward: 17.401800145004977,
      is_profile_enter: 1.4817491035944765,
      is_hate: -164.71785262598473,
    },
    meanStayTime: 5511.6,
    command: 'genfeed reward tune-formula --world-strength 1 --users 1000 --seed 7',
  },
  '2': {
    weights: {
      is_click: 0.3556762188228104,
      long_view: 1.5214843380781649,
      watch_pct: 0.9208136349042829,
      is_like: 2.474652244491465,
      is_follow: 74.91060037541853,
      is_comment: 4.894719401143536,
      is_forward: 5.742048140304662,
      is_profile_enter: 7.8913731109621965,
      is_hate: -119.37254176640602,
    },
    meanStayTime: 5898.7,
    command: 'genfeed reward tune-formula --world-strength 2 --users 1000 --seed 7',
  },
};
