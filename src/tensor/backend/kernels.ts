/**
 * The hot loops every op is built from. Two implementations: `tsKernels`
 * (pure TypeScript, always available) and the native addon (C + OpenBLAS), which
 * overrides what it implements. Conventions: row-major; kernels named `*Backward`
 * ACCUMULATE into their gradient outputs (`+=`), forward kernels overwrite.
 */
export interface Kernels {
  /** C = alpha * op(A) * op(B) + beta * C, repeated over a two-level batch (see GemmCall). */
  gemm(call: GemmCall): void;
  /** out = act(x + bias) over rows x cols; bias may be null; out may be x. */
  biasAct(
    x: Float32Array,
    bias: Float32Array | null,
    out: Float32Array,
    rows: number,
    cols: number,
    act: number,
  ): void;
  /**
   * dx += dy * act'(.) using the input `x` (+ bias) for GELU/SiLU or the output
   * `out` for ReLU/sigmoid; dbias += column sums of that product. With
   * `overwriteDx`, dx = ... instead (a fresh, uninitialised gradient).
   */
  biasActBackward(
    dy: Float32Array,
    x: Float32Array,
    bias: Float32Array | null,
    out: Float32Array,
    dx: Float32Array | null,
    dbias: Float32Array | null,
    rows: number,
    cols: number,
    act: number,
    overwriteDx: boolean,
  ): void;
  layerNorm(
    x: Float32Array,
    gamma: Float32Array | null,
    beta: Float32Array | null,
    y: Float32Array,
    mean: Float32Array,
    rstd: Float32Array,
    rows: number,
    cols: number,
    eps: number,
  ): void;
  layerNormBackward(
    dy: Float32Array,
    x: Float32Array,
    gamma: Float32Array | null,
    mean: Float32Array,
    rstd: Float32Array,
    dx: Float32Array | null,
    dgamma: Float32Array | null,
    dbeta: Float32Array | null,
    rows: number,
    cols: number,
  ): void;
  rmsNorm(
    x: Float32Array,
    gamma: Float32Array | null,
    y: Float32Array,
    rstd: Float32Array,
    rows: number,
    cols: number,
    eps: number,
  ): void;
  rmsNormBackward(
    dy: Float32Array,
    x: Float32Array,
    gamma: Float32Array | null,
    rstd: Float32Array,
    dx: Float32Array | null,
    dgamma: Float32Array | null,
    rows: number,
    cols: number,
  ): void;
  /**
   * y = softmax(x) or log_softmax(x) per row. With a mask (1 keep, 0 drop) of
   * maskRows x cols, row r uses mask row r % maskRows; dropped entries get
   * probability 0 (log: -Infinity), a fully dropped row is all 0 (log: -Infinity).
   */
  softmax(
    x: Float32Array,
    y: Float32Array,
    rows: number,
    cols: number,
    mask: Uint8Array | null,
    maskRows: number,
    log: boolean,
  ): void;
  /** dx += softmax' (y = probabilities) or log_softmax' (y = log-probabilities). */
  softmaxBackward(
    dy: Float32Array,
    y: Float32Array,
    dx: Float32Array,
    rows: number,
    cols: number,
    log: boolean,
  ): void;
  /**
   * In place over scores [B, H, Tq, Tk]: p = softmax(scale * s) with key j hidden
   * from query i when j > i + causalOffset (causalOffset < 0: no causal mask) or
   * keyMask[b * Tk + j] == 0.
   */
  attentionSoftmax(
    scores: Float32Array,
    batch: number,
    heads: number,
    tq: number,
    tk: number,
    scale: number,
    causalOffset: number,
    keyMask: Uint8Array | null,
  ): void;
  /**
   * Per-row loss of softmax cross-entropy with label smoothing; rows whose target is
   * ignoreIndex get loss 0. Writes lse (log-sum-exp per row) for the backward.
   */
  crossEntropy(
    logits: Float32Array,
    targets: Int32Array,
    rows: number,
    cols: number,
    smoothing: number,
    ignoreIndex: number,
    losses: Float32Array,
    lse: Float32Array,
  ): void;
  /** dlogits += scale * (softmax - smoothed one-hot), skipping ignored rows. */
  crossEntropyBackward(
    logits: Float32Array,
    lse: Float32Array,
    targets: Int32Array,
    rows: number,
    cols: number,
    smoothing: number,
    ignoreIndex: number,
    scale: number,
    dlogits: Float32Array,
  ): void;
  /**
   * One AdamW step (Loshchilov & Hutter, decoupled decay):
   * p -= lr * (wd * p + (m / bc1) / (sqrt(v / bc2) + eps)).
   */
  adamw(
    param: Float32Array,
    grad: Float32Array,
    m: Float32Array,
    v: Float32Array,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    bc1: number,
    bc2: number,
  ): void;
  /** out[i, :] = weight[ids[i], :] (ids already range-checked). */
  gather(weight: Float32Array, ids: Int32Array, out: Float32Array, dim: number): void;
  /** dweight[ids[i], :] += dy[i, :]. */
  scatterAdd(dy: Float32Array, ids: Int32Array, dweight: Float32Array, dim: number): void;
  /** Sum of squares, accumulated in double precision. */
  sumSquares(x: Float32Array): number;
  /**
   * out[i] = a[i] op b[i % period] for op 0 add, 1 sub, 2 mul, 3 div (period =
   * b's length: same shape, a scalar, or a trailing-axis broadcast).
   */
  binary(op: number, a: Float32Array, b: Float32Array, out: Float32Array, period: number): void;
  /** out[o, i] = scale * sum over l of x[o, l, i] (x viewed as [outer, length, inner]). */
  sumAxis(
    x: Float32Array,
    out: Float32Array,
    outer: number,
    length: number,
    inner: number,
    scale: number,
  ): void;
  /** dx[o, l, i] += scale * dy[o, i] (the backward of sumAxis). */
  sumAxisBackward(
    dy: Float32Array,
    dx: Float32Array,
    outer: number,
    length: number,
    inner: number,
    scale: number,
  ): void;
  /** y += alpha * x (same length). */
  axpy(alpha: number, x: Float32Array, y: Float32Array): void;
  /** x *= alpha in place. */
  scale(x: Float32Array, alpha: number): void;
  /**
   * Inverted dropout's forward: mask[i] = 0 when the next draw u / 2^32 < p,
   * else keep; out[i] = x[i] * mask[i]. The draws are xoshiro128** from the
   * four words of `state` (core/random.ts's generator), advanced in place, so
   * every backend replays `Random.next()`'s stream exactly.
   */
  dropout(
    x: Float32Array,
    out: Float32Array,
    mask: Float32Array,
    p: number,
    keep: number,
    state: Int32Array,
  ): void;
}

/**
 * One (batched) GEMM. Batch index (i0, i1) in [batch0) x [batch1) adds
 * i0 * stride0 + i1 * stride1 to each operand's offset, so heads inside a
 * [B, T, H * D] activation are addressed without copies (lda = H * D).
 */
export interface GemmCall {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
  a: Float32Array;
  aOffset: number;
  lda: number;
  aStride0: number;
  aStride1: number;
  b: Float32Array;
  bOffset: number;
  ldb: number;
  bStride0: number;
  bStride1: number;
  c: Float32Array;
  cOffset: number;
  ldc: number;
  cStride0: number;
  cStride1: number;
  batch0: number;
  batch1: number;
}

export const Act = { none: 0, relu: 1, gelu: 2, silu: 3, sigmoid: 4 } as const;
export type Activation = keyof typeof Act;
