import { add, binaryCrossEntropyWithLogits, matmul, reshape, type Tensor, tensor } from '../tensor/index.js';

/**
 * DPO (Rafailov et al. 2023, arXiv 2305.18290, eq. 7) over P preference pairs:
 *
 *   margin_p = β [(log πθ(c_p) - log πref(c_p)) - (log πθ(r_p) - log πref(r_p))]
 *   loss = mean_p -log σ(margin_p)
 *
 * `policy` is [2P]: the chosen sessions' log-probabilities, then the rejected
 * ones' (differentiable); `reference` the same from the frozen model (plain
 * numbers). Returns the scalar loss and the margins [P, 1] (read them before
 * `backward`, which releases them).
 */
export function dpoLoss(
  policy: Tensor,
  reference: Float32Array,
  beta: number,
): { loss: Tensor; margins: Tensor } {
  const pairs = policy.size / 2;
  if (!Number.isInteger(pairs) || reference.length !== policy.size)
    throw new RangeError(
      `dpoLoss: ${policy.size} policy and ${reference.length} reference log-probabilities (want 2P of each)`,
    );
  const signs = new Float32Array(pairs * 2 * pairs); // [P, 2P]: +β chosen, -β rejected
  const offsets = new Float32Array(pairs); // [P]: -β (ref chosen - ref rejected)
  for (let p = 0; p < pairs; p++) {
    signs[p * 2 * pairs + p] = beta;
    signs[p * 2 * pairs + pairs + p] = -beta;
    offsets[p] = -beta * (reference[p]! - reference[pairs + p]!);
  }
  const margins = add(
    matmul(tensor(signs, [pairs, 2 * pairs]), reshape(policy, [2 * pairs, 1])),
    tensor(offsets, [pairs, 1]),
  ); // [P, 1]
  const loss = binaryCrossEntropyWithLogits(margins, tensor(new Float32Array(pairs).fill(1), [pairs, 1]));
  return { loss, margins };
}
