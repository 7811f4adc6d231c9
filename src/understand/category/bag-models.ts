import type { Random } from '../../core/index.js';
import {
  add,
  embedding,
  type IntTensor,
  Linear,
  Module,
  matmul,
  reshape,
  type Tensor,
  uniform,
  zeros,
} from '../../tensor/index.js';

/** A model over sparse rows: per-head logits [B, C_k] from a batch. */
export interface BagModel {
  parameters(): Tensor[];
  logits(ids: IntTensor, weights: Tensor): Tensor[];
}

/** Weighted sum of table rows: ids [B, L], weights [B, 1, L] -> [B, D]. */
function bag(table: Tensor, ids: IntTensor, weights: Tensor): Tensor {
  const rows = embedding(table, ids); // [B, L, D]
  const summed = matmul(weights, rows); // [B, 1, D]
  return reshape(summed, [ids.shape[0]!, table.shape[1]!]); // [B, D]
}

/**
 * fastText's classifier (Joulin et al. 2017, "Bag of Tricks for Efficient Text
 * Classification"): the mean of feature embeddings is the document vector, and
 * one linear head per category level reads it. The document vector doubles as
 * the content vector.
 */
export class EmbeddingBagModel extends Module implements BagModel {
  readonly table: Tensor;
  readonly heads: Linear[];

  constructor(vocabulary: number, dim: number, classes: readonly number[], random: Random) {
    super();
    const bound = 1 / dim;
    this.table = this.addParameter('table', uniform([vocabulary, dim], random, { low: -bound, high: bound }));
    this.heads = classes.map((count, level) =>
      this.addModule(`head${level}`, new Linear(dim, count, random)),
    );
  }

  vector(ids: IntTensor, weights: Tensor): Tensor {
    return bag(this.table, ids, weights); // [B, D]
  }

  logits(ids: IntTensor, weights: Tensor): Tensor[] {
    const vector = this.vector(ids, weights);
    return this.heads.map((head) => head.forward(vector)); // [B, C_k] each
  }
}

/** Multinomial logistic regression on a sparse input: the table is the weight matrix [V, C]. */
export class LinearBagModel extends Module implements BagModel {
  readonly table: Tensor;
  readonly bias: Tensor;

  constructor(vocabulary: number, classes: number) {
    super();
    this.table = this.addParameter('table', zeros([vocabulary, classes]));
    this.bias = this.addParameter('bias', zeros([classes]));
  }

  logits(ids: IntTensor, weights: Tensor): Tensor[] {
    return [add(bag(this.table, ids, weights), this.bias)]; // [B, C]
  }
}
