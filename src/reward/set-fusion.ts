import type { Random } from '../core/index.js';
import {
  add,
  concat,
  embedding,
  intTensor,
  LayerNorm,
  Linear,
  Module,
  matmul,
  reshape,
  selfAttention,
  type Tensor,
  tensor,
} from '../tensor/index.js';
import type { CandidateBatch } from './candidate-batch.js';
import { normalisedRanks } from './normalised-ranks.js';
import { numHeads } from './signals.js';
import { durationBucket } from './watch-time.js';

/** The shape of a set-transformer fusion (docs/reward.md, "The set-transformer fusion"). */
export interface SetFusionShape {
  /** Token width C. */
  width: number;
  /** Attention blocks over the candidates. */
  layers: number;
  /** Attention heads (C must divide by it). */
  heads: number;
  /** Duration buckets of the watch-time scale (the one-hot has buckets + 1 slots). */
  durationBounds: readonly number[];
  /** Whether each candidate reads its heads' normalised ranks within the request (a function of the set). */
  readsRanks: boolean;
  /** Whether each candidate reads its place in the list as given, k / (n - 1) (breaks permutation equivariance). */
  readsListRank: boolean;
}

/** Per request-row inputs of the set fusion: the heads' logits, durations and the user context. */
export interface SetFusionInput {
  logits: Tensor; // [N, 9], without gradient
  requestOffsets: Int32Array; // [R + 1]
  durationMs: ArrayLike<number>; // [N]
  userFeatures: Float32Array; // [N, userFeatureCount]
}

/** What the set fusion says of each candidate and request. */
export interface SetFusionOutput {
  score: Tensor; // [N, 1] relative satisfaction (a logit; only its order within a request counts)
  continued: Tensor; // [N, 1] logit that the session continues after the item
  returned: Tensor; // [R, 1] logit that the user returns the next day
}

/** activity (log(1 + plays) / log(1 + K)), sin and cos of the hour. */
export const userFeatureCount = 3;

/**
 * [N, 3] the user context each candidate token reads: how active the user is
 * (valid plays in the history window) and the hour of the request.
 */
export function userFeatures(batch: CandidateBatch): Float32Array {
  const K = batch.historyLength;
  const out = new Float32Array(batch.size * userFeatureCount);
  for (let n = 0; n < batch.size; n++) {
    let plays = 0;
    for (let k = 0; k < K; k++) plays += batch.historyMask[n * K + k]!;
    const angle = (2 * Math.PI * batch.hour[n]!) / 24;
    out[n * 3] = Math.log1p(plays) / Math.log1p(Math.max(1, K));
    out[n * 3 + 1] = Math.sin(angle);
    out[n * 3 + 2] = Math.cos(angle);
  }
  return out;
}

/**
 * One pre-LN encoder block over the candidates of each request: every
 * candidate attends to every other of its request (no causal mask, padding
 * masked), then a GELU feed-forward; both residual.
 */
class SetBlock extends Module {
  readonly ln1: LayerNorm;
  readonly qkv: Linear;
  readonly proj: Linear;
  readonly ln2: LayerNorm;
  readonly fc1: Linear;
  readonly fc2: Linear;

  constructor(
    width: number,
    readonly heads: number,
    random: Random,
  ) {
    super();
    this.ln1 = this.addModule('ln1', new LayerNorm(width));
    this.qkv = this.addModule('qkv', new Linear(width, 3 * width, random));
    this.proj = this.addModule('proj', new Linear(width, width, random));
    this.ln2 = this.addModule('ln2', new LayerNorm(width));
    this.fc1 = this.addModule('fc1', new Linear(width, 2 * width, random, { activation: 'gelu' }));
    this.fc2 = this.addModule('fc2', new Linear(2 * width, width, random));
  }

  forward(x: Tensor, keyMask: Uint8Array): Tensor {
    const qkv = this.qkv.forward(this.ln1.forward(x)); // [R, T, 3C]
    const attended = selfAttention(qkv, { heads: this.heads, causal: false, keyMask }); // [R, T, C]
    const h = add(x, this.proj.forward(attended)); // [R, T, C]
    return add(h, this.fc2.forward(this.fc1.forward(this.ln2.forward(h)))); // [R, T, C]
  }
}

/**
 * The set-transformer fusion (EMER, arXiv 2508.05093, sec. 3: one sample per
 * request, a transformer over its candidates). Each candidate is a token built
 * from its heads' logits, their normalised ranks, its duration bucket and the
 * user context; `layers` encoder blocks let every candidate's score depend on
 * the others of its request; three heads read the tokens: the relative
 * satisfaction score, the session-continues logit, and (mean over the
 * request) the returns-next-day logit. No positional embedding: without the
 * list rank the scores are equivariant to permuting the candidates.
 */
export class SetFusion extends Module {
  readonly candidate: Linear;
  readonly user: Linear;
  readonly blocks: SetBlock[];
  readonly lnOut: LayerNorm;
  readonly score: Linear;
  readonly continued: Linear;
  readonly returned: Linear;

  constructor(
    readonly shape: SetFusionShape,
    random: Random,
  ) {
    super();
    const C = shape.width;
    this.candidate = this.addModule('candidate', new Linear(this.#inputWidth(), C, random));
    this.user = this.addModule('user', new Linear(userFeatureCount, C, random));
    this.blocks = Array.from({ length: shape.layers }, (_, k) =>
      this.addModule(`block${k}`, new SetBlock(C, shape.heads, random)),
    );
    this.lnOut = this.addModule('lnOut', new LayerNorm(C));
    this.score = this.addModule('score', new Linear(C, 1, random));
    this.continued = this.addModule('continued', new Linear(C, 1, random));
    this.returned = this.addModule('returned', new Linear(C, 1, random));
  }

  run(input: SetFusionInput): SetFusionOutput {
    const { logits, requestOffsets } = input;
    const N = logits.shape[0]!;
    const R = requestOffsets.length - 1;
    if (input.durationMs.length !== N || input.userFeatures.length !== N * userFeatureCount)
      throw new RangeError(
        `SetFusion: ${N} candidates need ${N} durations and ${N * userFeatureCount} user features, got ${input.durationMs.length} and ${input.userFeatures.length}`,
      );
    const parts = [logits]; // [N, 9]
    if (this.shape.readsRanks)
      parts.push(tensor(normalisedRanks(logits.data, requestOffsets), [N, numHeads])); // [N, 9]
    if (this.shape.readsListRank) parts.push(tensor(listRanks(requestOffsets), [N, 1])); // [N, 1]
    parts.push(tensor(durationOneHot(this.shape.durationBounds, input.durationMs), [N, this.#buckets()])); // [N, D]
    const tokens = add(
      this.candidate.forward(concat(parts, 1)),
      this.user.forward(tensor(input.userFeatures, [N, userFeatureCount])),
    ); // [N, C]

    const { slots, rows, keyMask, T } = padding(requestOffsets);
    const C = this.shape.width;
    let x = reshape(embedding(tokens, intTensor(slots, [R * T])), [R, T, C]); // [R, T, C]
    for (const block of this.blocks) x = block.forward(x, keyMask); // [R, T, C]
    const h = embedding(reshape(this.lnOut.forward(x), [R * T, C]), intTensor(rows, [N])); // [N, C]

    const pool = new Float32Array(R * N); // [R, N]: mean over each request's candidates
    for (let r = 0; r < R; r++) {
      const from = requestOffsets[r]!;
      const to = requestOffsets[r + 1]!;
      for (let n = from; n < to; n++) pool[r * N + n] = 1 / (to - from);
    }
    return {
      score: this.score.forward(h), // [N, 1]
      continued: this.continued.forward(h), // [N, 1]
      returned: matmul(tensor(pool, [R, N]), this.returned.forward(h)), // [R, 1]
    };
  }

  /**
   * The score alone, with the positional signature of `Fusion.forward` (hidden
   * features are never read; durations and user features are required).
   */
  forward(
    logits: Tensor,
    _hidden: Tensor | undefined,
    requestOffsets: Int32Array,
    durationMs?: ArrayLike<number>,
    features?: Float32Array,
  ): Tensor {
    if (!durationMs || !features)
      throw new RangeError('SetFusion.forward: needs durations and user features');
    return this.run({ logits, requestOffsets, durationMs, userFeatures: features }).score;
  }

  #buckets(): number {
    return this.shape.durationBounds.length + 1;
  }

  #inputWidth(): number {
    return (
      numHeads + (this.shape.readsRanks ? numHeads : 0) + (this.shape.readsListRank ? 1 : 0) + this.#buckets()
    );
  }
}

/**
 * Padded layout of the requests: slot r * T + t holds row offsets[r] + t, or
 * row 0 masked out (keyMask 0) past the request's end; `rows[n]` is row n's slot.
 */
function padding(offsets: Int32Array): {
  slots: Int32Array;
  rows: Int32Array;
  keyMask: Uint8Array;
  T: number;
} {
  const R = offsets.length - 1;
  let T = 1;
  for (let r = 0; r < R; r++) T = Math.max(T, offsets[r + 1]! - offsets[r]!);
  const slots = new Int32Array(R * T);
  const keyMask = new Uint8Array(R * T);
  const rows = new Int32Array(offsets[R] ?? 0);
  for (let r = 0; r < R; r++) {
    const from = offsets[r]!;
    for (let t = 0; t < offsets[r + 1]! - from; t++) {
      slots[r * T + t] = from + t;
      keyMask[r * T + t] = 1;
      rows[from + t] = r * T + t;
    }
  }
  return { slots, rows, keyMask, T };
}

/** [N] each row's place in its request as given, 0 first and 1 last. */
function listRanks(offsets: Int32Array): Float32Array {
  const out = new Float32Array(offsets[offsets.length - 1] ?? 0);
  for (let r = 0; r + 1 < offsets.length; r++) {
    const n = offsets[r + 1]! - offsets[r]!;
    for (let k = 0; k < n; k++) out[offsets[r]! + k] = n > 1 ? k / (n - 1) : 0;
  }
  return out;
}

/** [N, buckets + 1] one-hot of each duration's bucket. */
function durationOneHot(bounds: readonly number[], durationMs: ArrayLike<number>): Float32Array {
  const width = bounds.length + 1;
  const out = new Float32Array(durationMs.length * width);
  for (let n = 0; n < durationMs.length; n++) out[n * width + durationBucket(bounds, durationMs[n]!)] = 1;
  return out;
}
