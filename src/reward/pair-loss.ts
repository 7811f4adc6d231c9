import {
  binaryCrossEntropyWithLogits,
  embedding,
  intTensor,
  ones,
  sub,
  type Tensor,
  tensor,
} from '../tensor/index.js';

/** Ordered pairs within requests: row `winners[p]` should score above row `losers[p]`. */
export interface Pairs {
  winners: Int32Array;
  losers: Int32Array;
}

/**
 * Pairwise logistic loss (RankNet; EMER's relative-satisfaction loss):
 * mean over pairs of log(1 + exp(-(s_w - s_l))). `scores` is [N, 1].
 * With `targets` (one probability per pair that the winner is better), the
 * soft version: mean of -(q log sigma(s_w - s_l) + (1 - q) log sigma(s_l - s_w)),
 * lowest at s_w - s_l = logit(q) rather than at an infinite gap.
 */
export function pairLoss(scores: Tensor, pairs: Pairs, targets?: Float32Array): Tensor {
  const P = pairs.winners.length;
  if (P === 0) throw new RangeError('pairLoss: no pairs');
  if (targets && targets.length !== P)
    throw new RangeError(`pairLoss: ${targets.length} targets for ${P} pairs`);
  const winners = embedding(scores, intTensor(pairs.winners, [P])); // [P, 1]
  const losers = embedding(scores, intTensor(pairs.losers, [P])); // [P, 1]
  return binaryCrossEntropyWithLogits(sub(winners, losers), targets ? tensor(targets, [P, 1]) : ones([P, 1]));
}

/**
 * Soft targets of consistency pairs: the probability sigma(l_w - l_l) the head
 * itself gives that the winner is better (`sign` -1 flips a lower-is-better head).
 */
export function headPairTargets(
  predictions: Float32Array,
  heads: number,
  head: number,
  pairs: Pairs,
  sign: 1 | -1,
): Float32Array {
  return Float32Array.from(pairs.winners, (winner, p) => {
    const gap = sign * (predictions[winner * heads + head]! - predictions[pairs.losers[p]! * heads + head]!);
    return 1 / (1 + Math.exp(-gap));
  });
}

/** Every pair of rows of one request whose `levels` differ, the higher level first. */
export function levelPairs(levels: ArrayLike<number>, requestOffsets: Int32Array): Pairs {
  return orderedPairs(requestOffsets, (a, b) => levels[a]! - levels[b]!, 0);
}

/**
 * Consistency pairs of one objective: rows of one request whose predicted
 * value (a logit, column `head` of [N, heads] `predictions`) differs by more
 * than `margin`, the one the objective prefers first (`sign` -1 for objectives
 * where lower is better, such as hate).
 */
export function predictionPairs(
  predictions: Float32Array,
  heads: number,
  head: number,
  requestOffsets: Int32Array,
  options: { margin: number; sign: 1 | -1 },
): Pairs {
  const { margin, sign } = options;
  return orderedPairs(
    requestOffsets,
    (a, b) => sign * (predictions[a * heads + head]! - predictions[b * heads + head]!),
    margin,
  );
}

/** Pairs (a, b) of one request with compare(a, b) > margin as (a, b), or compare(a, b) < -margin as (b, a). */
function orderedPairs(
  requestOffsets: Int32Array,
  compare: (a: number, b: number) => number,
  margin: number,
): Pairs {
  const winners: number[] = [];
  const losers: number[] = [];
  for (let r = 0; r + 1 < requestOffsets.length; r++) {
    const to = requestOffsets[r + 1]!;
    for (let a = requestOffsets[r]!; a < to; a++) {
      for (let b = a + 1; b < to; b++) {
        const difference = compare(a, b);
        if (difference > margin) {
          winners.push(a);
          losers.push(b);
        } else if (difference < -margin) {
          winners.push(b);
          losers.push(a);
        }
      }
    }
  }
  return { winners: Int32Array.from(winners), losers: Int32Array.from(losers) };
}
