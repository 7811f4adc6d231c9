/**
 * FLOPs per request of each model stage, counted analytically from the GEMM
 * and attention shapes the stage runs (a multiply-add = 2 FLOPs; element-wise
 * work, embedding lookups, softmax and the beam's top-k are not counted: they
 * are not GEMM work, and MFU is measured against a GEMM peak). Sizes are the
 * configured ones (recall quotas, pre-rank keep, beam width), so a request
 * whose recall came back short is counted at the full size.
 */

/** One dense layer over `rows` inputs: [rows, inputs] x [inputs, outputs]. */
const dense = (rows: number, inputs: number, outputs: number) => 2 * rows * inputs * outputs;

/** The linear pre-rank: five features per candidate, one of them a dot product of `dim`-wide vectors. */
export function linearPrerankFlops(candidates: number, dim: number): number {
  return dense(candidates, 5, 1) + dense(candidates, dim, 1);
}

/** The two-tower pre-rank: the user tower once, then a dot product per candidate (item tower precomputed). */
export function twoTowerFlops(candidates: number, config: { dim: number }): number {
  const d = config.dim;
  return dense(1, 2 * d + 1, d) + dense(1, d, d) + dense(candidates, d, 1);
}

/** The reward model's signal tower plus its per-candidate MLP fusion (src/reward/reward-model.ts). */
export function rewardFlops(
  candidates: number,
  config: {
    dim: number;
    hidden: number;
    fusionHidden: number;
    fusionReadsHidden?: boolean;
    fusionReadsDuration?: boolean;
    watch: { durationBounds: ArrayLike<number> };
  },
): number {
  const heads = 9;
  const { dim, hidden, fusionHidden: F } = config;
  const tower =
    dense(candidates, 8 * dim + 1, hidden) +
    dense(candidates, hidden, hidden) +
    dense(candidates, hidden, heads);
  const inputs =
    2 * heads +
    (config.fusionReadsHidden === false ? 0 : hidden) +
    (config.fusionReadsDuration ? config.watch.durationBounds.length + 1 : 0);
  const fusion = dense(candidates, inputs, F) + dense(candidates, 2 * F, F) + dense(candidates, F, 1);
  return tower + fusion;
}

/** The target-attention ranker (src/cascade/target-attention-model.ts): an attention unit over K history items per candidate, then the tower. */
export function targetAttentionFlops(
  candidates: number,
  config: { dim: number; hidden: number; attentionHidden: number; historyLength: number },
): number {
  const { dim: d, hidden, attentionHidden: A, historyLength: K } = config;
  const attention = dense(candidates * K, 4 * d, A) + dense(candidates * K, A, 1) + dense(candidates, K, d);
  const tower =
    dense(candidates, 6 * d + 1, hidden) + dense(candidates, hidden, hidden) + dense(candidates, hidden, 9);
  return attention + tower;
}

/** The shape of a lazy decoder (src/generative/lazy-decoder.ts) as its FLOPs need it. */
export interface DecoderShape {
  dim: number;
  layers: number;
  ffnDim: number;
  /** Tokens per item (levels + the disambiguation code). */
  depth: number;
  maxItems: number;
  /** [depth] codes per level. */
  levelSizes: readonly number[];
}

/**
 * One trie-constrained beam search of the lazy decoder: the prefill of the
 * history's token stream (T = items x depth + 1 tokens, causal attention),
 * then depth - 1 steps of one token per beam against the KV cache, and a
 * level's logits after each. Beams per step: min(beamWidth, the paths the
 * codes so far allow).
 */
export function beamSearchFlops(shape: DecoderShape, historyItems: number, beamWidth: number): number {
  const { dim: d, layers, ffnDim, depth, maxItems, levelSizes } = shape;
  const block = (rows: number, attended: number) =>
    dense(rows, d, 3 * d) +
    dense(rows, d, d) +
    dense(rows, d, ffnDim) +
    dense(rows, ffnDim, d) +
    2 * 2 * rows * attended * d;
  const prefix = Math.min(historyItems, maxItems) * depth + 1;
  // Causal prefill: token t attends to t + 1 keys, (T + 1) / 2 on average.
  let flops = layers * block(prefix, (prefix + 1) / 2) + dense(1, d, levelSizes[0]!);
  let paths = levelSizes[0]!;
  for (let level = 1; level < depth; level++) {
    const beams = Math.min(beamWidth, paths);
    flops += layers * block(beams, prefix + level) + dense(beams, d, levelSizes[level]!);
    paths *= levelSizes[level]!;
  }
  return flops;
}
