import type { Random } from '../core/index.js';
import { type CandidateBatch, formulaScores, headNames, numHeads } from '../reward/index.js';
import {
  concat,
  Embedding,
  intTensor,
  Linear,
  Module,
  matmul,
  mul,
  noGrad,
  ones,
  reshape,
  sigmoid,
  softmax,
  sub,
  type Tensor,
  tensor,
  tidy,
} from '../tensor/index.js';

/** Everything that fixes a target-attention ranker's shapes. */
export interface TargetAttentionConfig {
  numItems: number;
  numAuthors: number;
  numCategories: number;
  /** Embedding width. */
  dim: number;
  /** Width of the tower's two hidden layers. */
  hidden: number;
  /** Width of the attention unit's hidden layer. */
  attentionHidden: number;
  /** Recent valid plays read from the history. */
  historyLength: number;
}

/** What the ranker knows of each item besides its id: dense author and category (-1 unknown), duration. */
export interface RankItemSide {
  author: Int32Array; // [items]
  category: Int32Array; // [items]
  durationMs: Float32Array; // [items]
}

/**
 * The rank stage's model: target attention over the user's recent history
 * (DIN, Zhou et al. 2018, section 4.3) feeding multi-task heads for the reward
 * model's nine signals (src/reward/signals.ts). For candidate c and history
 * items h_1..h_K, an attention unit reads [h_k, c, h_k * c, h_k - c] and gives
 * each history item a weight; the user's interest in c is the weighted sum of
 * the history. Unlike DIN the weights are a softmax over the valid history
 * (bounded, and a row without history gets interest 0), which keeps the scale
 * of the interest independent of the history length knob.
 *
 *   interest(c) = sum_k softmax_k(a([h_k, c, h_k*c, h_k-c])) h_k
 *   logits      = heads(MLP([interest, c, interest*c, author, category, hour, duration]))
 *   score       = the reward module's fixed formula over sigmoid(logits)
 */
export class TargetAttentionModel extends Module {
  readonly item: Embedding;
  readonly author: Embedding;
  readonly category: Embedding;
  readonly hour: Embedding;
  readonly attentionHidden: Linear;
  readonly attentionOut: Linear;
  readonly layer1: Linear;
  readonly layer2: Linear;
  readonly heads: Linear;

  constructor(
    readonly config: TargetAttentionConfig,
    random: Random,
  ) {
    super();
    const { dim: d, hidden, attentionHidden } = config;
    this.item = this.addModule('item', new Embedding(config.numItems, d, random, { std: 0.1 }));
    this.author = this.addModule('author', new Embedding(config.numAuthors + 1, d, random, { std: 0.1 }));
    this.category = this.addModule(
      'category',
      new Embedding(config.numCategories + 1, d, random, { std: 0.1 }),
    );
    this.hour = this.addModule('hour', new Embedding(24, d, random, { std: 0.1 }));
    this.attentionHidden = this.addModule(
      'attentionHidden',
      new Linear(4 * d, attentionHidden, random, { activation: 'relu' }),
    );
    this.attentionOut = this.addModule('attentionOut', new Linear(attentionHidden, 1, random));
    this.layer1 = this.addModule('layer1', new Linear(6 * d + 1, hidden, random, { activation: 'relu' }));
    this.layer2 = this.addModule('layer2', new Linear(hidden, hidden, random, { activation: 'relu' }));
    this.heads = this.addModule('heads', new Linear(hidden, numHeads, random));
  }

  /** Attention weights [N, K] over each row's history and the history embeddings [N, K, d]. */
  attend(batch: CandidateBatch, candidate: Tensor): { weights: Tensor; past: Tensor } {
    const N = batch.size;
    const K = batch.historyLength;
    const d = this.config.dim;
    const past = reshape(this.item.forward(intTensor(batch.history, [N * K])), [N, K, d]); // [N, K, d]
    const target = mul(ones([N, K, 1]), reshape(candidate, [N, 1, d])); // [N, K, d]
    const pairs = concat([past, target, mul(past, target), sub(past, target)], 2); // [N, K, 4d]
    const logits = reshape(this.attentionOut.forward(this.attentionHidden.forward(pairs)), [N, K]); // [N, K]
    const mask = Uint8Array.from(batch.historyMask, (m) => (m > 0 ? 1 : 0));
    return { weights: softmax(logits, { mask }), past }; // [N, K]
  }

  /** [N, 9] head logits of each row of the batch. */
  forward(batch: CandidateBatch, side: RankItemSide): Tensor {
    const N = batch.size;
    const K = batch.historyLength;
    const d = this.config.dim;
    const author = new Int32Array(N);
    const category = new Int32Array(N);
    const duration = new Float32Array(N);
    for (let n = 0; n < N; n++) {
      const item = batch.item[n]!;
      author[n] = side.author[item]! + 1;
      category[n] = side.category[item]! + 1;
      duration[n] = Math.log1p(side.durationMs[item]! / 1000) / 5;
    }
    const candidate = this.item.forward(intTensor(batch.item, [N])); // [N, d]
    const { weights, past } = this.attend(batch, candidate);
    const interest = reshape(matmul(reshape(weights, [N, 1, K]), past), [N, d]); // [N, d]
    const features = concat(
      [
        interest,
        candidate,
        mul(interest, candidate),
        this.author.forward(intTensor(author, [N])), // [N, d]
        this.category.forward(intTensor(category, [N])), // [N, d]
        this.hour.forward(intTensor(batch.hour, [N])), // [N, d]
        tensor(duration, [N, 1]),
      ],
      1,
    ); // [N, 6d + 1]
    return this.heads.forward(this.layer2.forward(this.layer1.forward(features))); // [N, 9]
  }

  /** [N] fused score of each row: the fixed formula over the predicted signal probabilities. */
  score(batch: CandidateBatch, side: RankItemSide): Float32Array {
    const probabilities = noGrad(() => tidy(() => sigmoid(this.forward(batch, side))));
    return formulaScores(probabilities.data, headNames);
  }
}
