import { matmul, reshape, type Tensor, tensor } from '../tensor/index.js';

/**
 * Group-normalised advantages (GRPO, arXiv 2402.03300): A_i = (r_i - mean) / std
 * over one user's group of sampled sessions (population std). A group whose
 * rewards are all equal (std below 1e-9) teaches nothing: all zeros.
 */
export function groupAdvantages(rewards: ArrayLike<number>): Float64Array {
  const count = rewards.length;
  const out = new Float64Array(count);
  if (count === 0) return out;
  let mean = 0;
  for (let i = 0; i < count; i++) mean += rewards[i]!;
  mean /= count;
  let variance = 0;
  for (let i = 0; i < count; i++) variance += (rewards[i]! - mean) ** 2;
  const std = Math.sqrt(variance / count);
  if (!(std >= 1e-9)) return out;
  for (let i = 0; i < count; i++) out[i] = (rewards[i]! - mean) / std;
  return out;
}

export interface EcpoClip {
  /** PPO clip ε: the ratio is clipped to [1 - ε, 1 + ε]. Default 0.2. */
  epsilon?: number;
  /** ECPO's early clip δ: for A < 0 the ratio is first bounded by 1 + ε + δ. Default 0.1. */
  delta?: number;
}

/** Per-sample terms of the ECPO objective (plain numbers). */
export interface EcpoTerms {
  /** The clipped surrogate min(r'A, clip(r', 1-ε, 1+ε)A) of each sample (to maximise). */
  objective: Float64Array;
  /** d objective / d log πθ of each sample (0 where the clip holds the value constant). */
  gradient: Float64Array;
  /** Samples whose ratio the early clip bounded (A < 0 and r > 1 + ε + δ). */
  earlyClipped: number;
  /** Samples whose value the usual PPO clip fixed (zero gradient). */
  clipped: number;
}

/**
 * ECPO (OneRec technical report, arXiv 2506.13695, "Early Clipped GRPO") per
 * sample, with r = πθ(o) / πold(o) = exp(log πθ - log πold):
 *
 *   π'old = max(sg(πθ) / (1 + ε + δ), πold)  if A < 0,  πold otherwise
 *   r' = πθ / π'old                 (so r' <= 1 + ε + δ when A < 0)
 *   J = min(r' A, clip(r', 1 - ε, 1 + ε) A)
 *
 * Plain GRPO/PPO leaves r A unclipped when A < 0 and r is large (min picks
 * the more negative term), so a sample the policy made far likelier than when
 * it was drawn pushes with an unbounded gradient r A ∇log πθ; the early clip
 * caps that factor at (1 + ε + δ) |A| while still letting the gradient flow
 * (the denominator is a stop-gradient). Since ∂r'/∂log πθ = r', the gradient
 * of J with respect to log πθ is r' A where the min picks the unclipped term
 * and 0 where it picks the clipped constant.
 */
export function ecpoTerms(
  policy: ArrayLike<number>,
  old: ArrayLike<number>,
  advantages: ArrayLike<number>,
  clip: EcpoClip = {},
): EcpoTerms {
  const count = policy.length;
  if (old.length !== count || advantages.length !== count)
    throw new RangeError(
      `ecpoTerms: ${count} policy, ${old.length} old log-probabilities and ${advantages.length} advantages (want equal counts)`,
    );
  const epsilon = clip.epsilon ?? 0.2;
  const delta = clip.delta ?? 0.1;
  if (!(epsilon > 0 && epsilon < 1) || !(delta >= 0))
    throw new RangeError(`ecpoTerms: want 0 < epsilon < 1 and delta >= 0, got ${epsilon} and ${delta}`);
  const objective = new Float64Array(count);
  const gradient = new Float64Array(count);
  let earlyClipped = 0;
  let clipped = 0;
  for (let i = 0; i < count; i++) {
    const advantage = advantages[i]!;
    let ratio = Math.exp(Math.min(50, policy[i]! - old[i]!));
    if (advantage < 0 && ratio > 1 + epsilon + delta) {
      ratio = 1 + epsilon + delta; // πθ / (sg(πθ) / (1 + ε + δ)): same value, gradient ratio ∇log πθ
      earlyClipped++;
    }
    const bounded = Math.min(1 + epsilon, Math.max(1 - epsilon, ratio));
    const free = ratio * advantage;
    const held = bounded * advantage;
    if (held < free) {
      objective[i] = held; // the clip binds: constant, no gradient
      clipped++;
    } else {
      objective[i] = free;
      gradient[i] = free; // ∂(r' A)/∂log πθ = r' A
    }
  }
  return { objective, gradient, earlyClipped, clipped };
}

/**
 * GRPO's k3 estimator of KL(πθ || πref) per sample (Schulman's unbiased,
 * non-negative estimator): k = exp(d) - d - 1 with d = log πref - log πθ, and
 * its derivative with respect to log πθ, 1 - exp(d). d is bounded to ±20.
 */
export function klTerms(
  policy: ArrayLike<number>,
  reference: ArrayLike<number>,
): {
  kl: Float64Array;
  gradient: Float64Array;
} {
  const count = policy.length;
  if (reference.length !== count)
    throw new RangeError(`klTerms: ${count} policy and ${reference.length} reference log-probabilities`);
  const kl = new Float64Array(count);
  const gradient = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const d = Math.max(-20, Math.min(20, reference[i]! - policy[i]!));
    kl[i] = Math.exp(d) - d - 1;
    gradient[i] = 1 - Math.exp(d);
  }
  return { kl, gradient };
}

export interface EcpoLossOptions extends EcpoClip {
  /** Weight β of the KL penalty to the reference (needs `reference`). Default 0. */
  klWeight?: number;
}

export interface EcpoLossResult {
  /** Scalar whose gradient is the ECPO loss's: -(1/S) Σ (∂J/∂log πθ - β ∂KL/∂log πθ) log πθ. */
  loss: Tensor;
  /** The loss's value: -(1/S) Σ (J - β KL). */
  value: number;
  /** Mean KL estimate (0 without a reference). */
  kl: number;
  earlyClipped: number;
  clipped: number;
}

/**
 * The ECPO loss over S sampled sessions: minimise -(1/S) Σ_i (J_i - β KL_i)
 * (ecpoTerms, klTerms). `policy` [S] is differentiable (sessionLogProbs);
 * `old`, `advantages` and `reference` are plain numbers. The engine has no exp
 * op, and every term is a function of log πθ alone, so the loss is built as
 * the surrogate -(1/S) Σ g_i log πθ_i with g_i the terms' derivatives computed
 * here: its gradient is exactly the objective's (the chain rule through
 * log πθ), and `value` carries the objective's value for reporting.
 */
export function ecpoLoss(
  policy: Tensor,
  old: ArrayLike<number>,
  advantages: ArrayLike<number>,
  reference: ArrayLike<number> | undefined,
  options: EcpoLossOptions = {},
): EcpoLossResult {
  const count = policy.size;
  const values = policy.data;
  const terms = ecpoTerms(values, old, advantages, options);
  const klWeight = options.klWeight ?? 0;
  const kl = reference === undefined || klWeight === 0 ? undefined : klTerms(values, reference);
  const weights = new Float32Array(count); // [1, S]
  let value = 0;
  let klSum = 0;
  for (let i = 0; i < count; i++) {
    const klValue = kl?.kl[i] ?? 0;
    const klGradient = kl?.gradient[i] ?? 0;
    weights[i] = -(terms.gradient[i]! - klWeight * klGradient) / count;
    value -= (terms.objective[i]! - klWeight * klValue) / count;
    klSum += klValue;
  }
  const loss = reshape(matmul(tensor(weights, [1, count]), reshape(policy, [count, 1])), [1]);
  return {
    loss,
    value,
    kl: klSum / Math.max(1, count),
    earlyClipped: terms.earlyClipped,
    clipped: terms.clipped,
  };
}
