import type { Random } from '../core/index.js';
import {
  add,
  concat,
  crossEntropy,
  dropout,
  Embedding,
  embedding,
  IntTensor,
  LayerNorm,
  Module,
  matmul,
  mul,
  noGrad,
  reshape,
  slice,
  sum,
  Tensor,
  TransformerBlock,
  tidy,
} from '../tensor/index.js';
import { type NextItemBatch, paddedBatch } from './sequence-batch.js';

/** Histories per forward pass when scoring. */
const SCORE_CHUNK = 64;

export interface SasRecConfig {
  numItems: number;
  /** Model width d (item and position embeddings, hidden states). */
  dim: number;
  layers: number;
  heads: number;
  /** Longest history the model reads; older items are dropped. */
  maxLength: number;
  /** Dropout on the embeddings and on every residual branch while training. */
  dropout: number;
  /** Width of the feed-forward layer; default 4 * dim. */
  ffnDim?: number;
  /** Dropout on the attention probabilities while training. Default 0. */
  attentionDropout?: number;
  /** Dropout between the two feed-forward layers (after the activation) while training. Default 0. */
  ffnDropout?: number;
  /** Multiply the input item embeddings by sqrt(dim) (Vaswani et al. 2017, sec. 3.4). Default false. */
  scaleEmbeddings?: boolean;
  /**
   * Which slot of the position table an item reads: 'oldest' counts from the
   * row's oldest item (0, 1, ...; a training prefix and the same history at
   * scoring time read the same slots); 'newest' counts back from the newest
   * item, which always reads slot maxLength - 1 (the original SASRec and the
   * PyTorch reference). Default 'oldest'.
   */
  positions?: SasRecPositions;
  /**
   * 'gpt': embeddings N(0, 0.02), Linear weights U(+-1/sqrt(in)), zero biases.
   * 'xavier': Xavier-normal (Glorot & Bengio 2010) on every matrix (embeddings
   * included), PyTorch's default U(+-1/sqrt(in)) feed-forward biases, zero
   * attention biases, a zero padding row: the PyTorch reference. Default 'gpt'.
   */
  init?: SasRecInit;
  /**
   * 0: full-softmax cross-entropy over every item. K > 0: sampled softmax, the
   * target against K items drawn uniformly per batch (shared by its positions;
   * one equal to a position's target is masked out there), as in eSASRec
   * (arXiv 2508.06450). Scoring is unchanged. Default 0.
   */
  negatives?: number;
}

export type SasRecPositions = 'oldest' | 'newest';
export type SasRecInit = 'gpt' | 'xavier';

/**
 * SASRec (Kang & McAuley 2018, "Self-Attentive Sequential Recommendation") with
 * the full-softmax cross-entropy used by recent re-evaluations (e.g. Klenitskiy &
 * Vasilev 2023, "Turning Dross Into Gold Loss: is BERT4Rec really better than
 * SASRec?") instead of the paper's one sampled negative:
 *
 *   items [B, T] -> item embedding (x sqrt(d) optionally) + learned position -> dropout
 *   -> L pre-LN causal blocks (GPT-2 layout, dropout on each residual branch and
 *      optionally on the attention probabilities and inside the feed-forward layer)
 *   -> final LayerNorm -> hidden [B, T, d]
 *   logits = hidden · itemEmbeddingᵀ (tied input/output embeddings) -> [*, numItems]
 *
 * Rows are left-padded, so the last position is always the newest item. The
 * padding id is `numItems` (the embedding's last row): padded keys are masked
 * out of attention and padded positions never reach the loss. Position slots
 * depend only on a row's real items (`positions`), so how much padding a batch
 * carries never changes a row's result. `src/generative/sasrec-reference.ts`
 * sets the options of the PyTorch reference, which this model matches step for
 * step (docs/sasrec.md).
 */
export class SasRec extends Module {
  readonly config: Required<SasRecConfig>;
  readonly items: Embedding;
  readonly positions: Embedding;
  readonly blocks: TransformerBlock[];
  readonly norm: LayerNorm;

  constructor(config: SasRecConfig, random: Random) {
    super();
    this.config = {
      ffnDim: 4 * config.dim,
      attentionDropout: 0,
      ffnDropout: 0,
      scaleEmbeddings: false,
      positions: 'oldest',
      init: 'gpt',
      negatives: 0,
      ...config,
    };
    const { numItems, dim, layers, heads, maxLength, ffnDim } = this.config;
    this.items = this.addModule('items', new Embedding(numItems + 1, dim, random));
    this.positions = this.addModule('positions', new Embedding(maxLength, dim, random));
    this.blocks = Array.from({ length: layers }, (_, i) =>
      this.addModule(`blocks.${i}`, new TransformerBlock(dim, heads, random, { ffnDim })),
    );
    this.norm = this.addModule('norm', new LayerNorm(dim));
    if (this.config.init === 'xavier') this.#xavierInit(random);
  }

  /** The padding item id. */
  get padId(): number {
    return this.config.numItems;
  }

  /** Hidden states [B, T, d] of left-padded item ids [B, T]; `random` drives dropout in training mode. */
  hidden(inputs: IntTensor, keyMask: Uint8Array, random?: Random): Tensor {
    const [rows, time] = inputs.shape as [number, number];
    const { dim, attentionDropout, ffnDropout, scaleEmbeddings } = this.config;
    const dropping = this.training && random !== undefined;
    const drop = (x: Tensor, p = this.config.dropout): Tensor => (dropping ? dropout(x, p, random!) : x);
    const positions = this.positions.forward(this.#positionsOf(keyMask, rows, time)); // [B, T, d]
    const items = this.items.forward(inputs); // [B, T, d]
    let x = add(scaleEmbeddings ? mul(items, Math.sqrt(dim)) : items, positions); // [B, T, d]
    x = drop(x); // [B, T, d]
    const plain = !dropping || (this.config.dropout === 0 && attentionDropout === 0 && ffnDropout === 0);
    for (const block of this.blocks) {
      if (plain) {
        x = block.forward(x, { keyMask }); // [B, T, d]
        continue;
      }
      // TransformerBlock.forward with dropout on both residual branches (nanoGPT's resid_dropout),
      // optionally on the attention probabilities and inside the feed-forward layer.
      const attended = block.attn.forward(block.ln1.forward(x), {
        keyMask,
        ...(attentionDropout > 0 && { dropout: attentionDropout, random }),
      }); // [B, T, d]
      const h = add(x, drop(attended)); // [B, T, d]
      const mlp = block.fc2.forward(drop(block.fc1.forward(block.ln2.forward(h)), ffnDropout)); // [B, T, d]
      x = add(h, drop(mlp)); // [B, T, d]
    }
    return this.norm.forward(x); // [B, T, d]
  }

  /** The output projection: item embeddings without the padding row, [numItems, d] (a view). */
  itemWeights(): Tensor {
    return slice(this.items.weight, 0, 0, this.config.numItems); // [V, d]
  }

  /**
   * Mean cross-entropy of the next item over every real position of the batch
   * (padded positions are never gathered): over all items, or over the target
   * and sampled negatives (`negatives`).
   */
  loss(batch: NextItemBatch, random: Random): Tensor {
    const hidden = this.hidden(batch.inputs, batch.keyMask, random); // [B, T, d]
    const [rows, time, dim] = hidden.shape as [number, number, number];
    const real = embedding(reshape(hidden, [rows * time, dim]), batch.positions); // [N, d]
    if (this.config.negatives > 0) return this.#sampledLoss(real, batch.targets, random);
    const logits = matmul(real, this.itemWeights(), { transB: true }); // [N, V]
    return crossEntropy(logits, batch.targets); // []
  }

  /** Sampled softmax: column 0 the target's logit, then the K shared negatives' (a target among them masked). */
  #sampledLoss(real: Tensor, targets: IntTensor, random: Random): Tensor {
    const { numItems, negatives } = this.config;
    const n = targets.size;
    const ids = new Int32Array(negatives);
    for (let i = 0; i < negatives; i++) ids[i] = random.int(numItems);
    const weight = this.items.weight; // ids < numItems: the padding row is never read
    const positive = sum(mul(real, embedding(weight, targets)), -1, { keepDims: true }); // [N, 1]
    const sampled = matmul(real, embedding(weight, new IntTensor(ids, [negatives])), { transB: true }); // [N, K]
    const mask = new Float32Array(n * (negatives + 1));
    for (let r = 0; r < n; r++) {
      const target = targets.data[r]!;
      for (let j = 0; j < negatives; j++) if (ids[j] === target) mask[r * (negatives + 1) + 1 + j] = -1e9;
    }
    const logits = add(concat([positive, sampled], 1), new Tensor(mask, [n, negatives + 1])); // [N, 1 + K]
    return crossEntropy(logits, new IntTensor(new Int32Array(n), [n])); // []
  }

  /**
   * Next-item scores of many users at once: `scores` [histories.length, numItems]
   * receives the logits at each history's newest position. Inference mode, no
   * tape; histories of similar length share a forward pass (little padding).
   */
  scoreBatch(histories: readonly Int32Array[], scores: Float32Array): void {
    const { numItems, maxLength } = this.config;
    if (scores.length !== histories.length * numItems) {
      throw new RangeError(
        `SasRec.scoreBatch: scores has ${scores.length} values, expected ${histories.length} x ${numItems}`,
      );
    }
    const length = (row: number): number => Math.min(histories[row]!.length, maxLength);
    const order = Array.from(histories.keys()).sort((a, b) => length(a) - length(b) || a - b);
    const wasTraining = this.training;
    this.eval();
    try {
      for (let start = 0; start < order.length; start += SCORE_CHUNK) {
        const rows = order.slice(start, start + SCORE_CHUNK);
        noGrad(() =>
          tidy(() => {
            const { inputs, keyMask } = paddedBatch(
              rows.map((row) => histories[row]!),
              this.padId,
              maxLength,
            );
            const hidden = this.hidden(inputs, keyMask); // [b, T, d]
            const [batch, time, dim] = hidden.shape as [number, number, number];
            const last = reshape(slice(hidden, 1, time - 1, time), [batch, dim]); // [b, d]
            const logits = matmul(last, this.itemWeights(), { transB: true }); // [b, V]
            rows.forEach((row, i) => {
              const target = scores.subarray(row * numItems, (row + 1) * numItems);
              if (histories[row]!.length === 0) target.fill(0);
              else target.set(logits.data.subarray(i * numItems, (i + 1) * numItems));
            });
            return null;
          }),
        );
      }
    } finally {
      this.train(wasTraining);
    }
  }

  /** [B, T] position-table slot of each input slot (see `SasRecConfig.positions`); padding slots get 0. */
  #positionsOf(keyMask: Uint8Array, rows: number, time: number): IntTensor {
    const ids = new Int32Array(rows * time);
    const fromNewest = this.config.positions === 'newest';
    for (let row = 0; row < rows; row++) {
      let real = 0;
      if (fromNewest) for (let t = row * time; t < (row + 1) * time; t++) real += keyMask[t]!;
      let position = fromNewest ? this.config.maxLength - real : 0;
      for (let t = row * time; t < (row + 1) * time; t++) if (keyMask[t]) ids[t] = position++;
    }
    return new IntTensor(ids, [rows, time]);
  }

  /** The 'xavier' initialisation (see `SasRecConfig.init`). */
  #xavierInit(random: Random): void {
    const normal = (weight: Tensor, fanIn: number, fanOut: number): void => {
      const std = Math.sqrt(2 / (fanIn + fanOut));
      for (let i = 0; i < weight.size; i++) weight.data[i] = std * random.normal();
    };
    const uniformBias = (bias: Tensor | null, fanIn: number): void => {
      const bound = 1 / Math.sqrt(fanIn);
      if (bias !== null) for (let i = 0; i < bias.size; i++) bias.data[i] = (2 * random.next() - 1) * bound;
    };
    const { numItems, dim, maxLength, ffnDim } = this.config;
    normal(this.items.weight, numItems + 1, dim);
    this.items.weight.data.fill(0, numItems * dim); // the padding row
    normal(this.positions.weight, maxLength, dim);
    for (const block of this.blocks) {
      normal(block.attn.qkv.weight, dim, 3 * dim);
      block.attn.qkv.bias?.data.fill(0);
      normal(block.attn.proj.weight, dim, dim);
      block.attn.proj.bias?.data.fill(0);
      normal(block.fc1.weight, dim, ffnDim);
      uniformBias(block.fc1.bias, dim);
      normal(block.fc2.weight, ffnDim, dim);
      uniformBias(block.fc2.bias, ffnDim);
    }
  }
}
