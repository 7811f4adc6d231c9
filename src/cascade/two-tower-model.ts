import type { Random } from '../core/index.js';
import {
  concat,
  Embedding,
  intTensor,
  Linear,
  Module,
  matmul,
  mul,
  noGrad,
  reshape,
  sum,
  type Tensor,
  tensor,
  tidy,
} from '../tensor/index.js';

/** Everything that fixes a two-tower model's shapes. */
export interface TwoTowerConfig {
  numItems: number;
  numAuthors: number;
  numCategories: number;
  /** Embedding and output width of both towers. */
  dim: number;
  /** Most recent history items the user tower reads. */
  historyLength: number;
}

/** Item features the item tower reads: dense author and category, -1 when unknown. */
export interface TwoTowerItemSide {
  author: Int32Array; // [items]
  category: Int32Array; // [items]
}

/** A batch of users as the user tower reads them: history newest last, padded at the front with mask 0. */
export interface UserBatch {
  size: number;
  history: Int32Array; // [B, K]
  historyMask: Float32Array; // [B, K]
}

/**
 * The two-tower pre-rank (Covington et al. 2016; Yi et al. 2019): a user tower
 * over the recent history and an item tower over the item's id, author and
 * category, scored by their dot product. Item vectors do not depend on the
 * user, so serving computes them once (`itemVectors`) and a request costs one
 * user-tower forward plus one dot product per candidate.
 *
 *   user: [mean of history ids, last id, activity] -> ReLU -> d
 *   item: [id, author, category] -> ReLU -> d
 *   s(u, i) = u . v_i
 */
export class TwoTowerModel extends Module {
  readonly item: Embedding;
  readonly author: Embedding;
  readonly category: Embedding;
  readonly itemHidden: Linear;
  readonly itemOut: Linear;
  readonly userHidden: Linear;
  readonly userOut: Linear;

  constructor(
    readonly config: TwoTowerConfig,
    random: Random,
  ) {
    super();
    const d = config.dim;
    this.item = this.addModule('item', new Embedding(config.numItems, d, random, { std: 0.1 }));
    this.author = this.addModule('author', new Embedding(config.numAuthors + 1, d, random, { std: 0.1 }));
    this.category = this.addModule(
      'category',
      new Embedding(config.numCategories + 1, d, random, { std: 0.1 }),
    );
    this.itemHidden = this.addModule('itemHidden', new Linear(3 * d, d, random, { activation: 'relu' }));
    this.itemOut = this.addModule('itemOut', new Linear(d, d, random));
    this.userHidden = this.addModule('userHidden', new Linear(2 * d + 1, d, random, { activation: 'relu' }));
    this.userOut = this.addModule('userOut', new Linear(d, d, random));
  }

  /** [N, d] item vectors of `items`. */
  itemTower(items: Int32Array, side: TwoTowerItemSide): Tensor {
    const N = items.length;
    const author = Int32Array.from(items, (item) => side.author[item]! + 1);
    const category = Int32Array.from(items, (item) => side.category[item]! + 1);
    const features = concat(
      [
        this.item.forward(intTensor(items, [N])), // [N, d]
        this.author.forward(intTensor(author, [N])), // [N, d]
        this.category.forward(intTensor(category, [N])), // [N, d]
      ],
      1,
    ); // [N, 3d]
    return this.itemOut.forward(this.itemHidden.forward(features)); // [N, d]
  }

  /** [B, d] user vectors. */
  userTower(users: UserBatch): Tensor {
    const B = users.size;
    const K = this.config.historyLength;
    const d = this.config.dim;
    const past = reshape(this.item.forward(intTensor(users.history, [B * K])), [B, K, d]); // [B, K, d]
    const counts = new Float32Array(B);
    for (let b = 0; b < B; b++) for (let k = 0; k < K; k++) counts[b]! += users.historyMask[b * K + k]!;
    const masked = mul(past, tensor(users.historyMask, [B, K, 1])); // [B, K, d]
    const meanPast = mul(
      sum(masked, 1),
      tensor(
        counts.map((c) => 1 / Math.max(c, 1)),
        [B, 1],
      ),
    ); // [B, d]
    const lastIds = new Int32Array(B);
    const lastMask = new Float32Array(B);
    for (let b = 0; b < B; b++) {
      lastIds[b] = users.history[b * K + K - 1]!;
      lastMask[b] = users.historyMask[b * K + K - 1]!;
    }
    const last = mul(this.item.forward(intTensor(lastIds, [B])), tensor(lastMask, [B, 1])); // [B, d]
    const activity = tensor(
      counts.map((c) => Math.log1p(c) / Math.log1p(K)),
      [B, 1],
    ); // [B, 1]
    const features = concat([meanPast, last, activity], 1); // [B, 2d + 1]
    return this.userOut.forward(this.userHidden.forward(features)); // [B, d]
  }

  /** [B, N] scores of every user against every item (training: in-batch logits). */
  scores(users: UserBatch, items: Int32Array, side: TwoTowerItemSide): Tensor {
    return matmul(this.userTower(users), this.itemTower(items, side), { transB: true }); // [B, N]
  }

  /** Every item's vector, [numItems, d], computed without gradient in blocks. */
  itemVectors(side: TwoTowerItemSide, block = 4096): Float32Array {
    const { numItems, dim } = this.config;
    const out = new Float32Array(numItems * dim);
    noGrad(() => {
      for (let from = 0; from < numItems; from += block) {
        const to = Math.min(numItems, from + block);
        const items = Int32Array.from({ length: to - from }, (_, k) => from + k);
        tidy(() => {
          out.set(this.itemTower(items, side).data, from * dim);
          return [];
        });
      }
    });
    return out;
  }

  /** One user's vector [d] from a history (oldest first; the last `historyLength` items are read). */
  userVector(history: ArrayLike<number>): Float32Array {
    return noGrad(() =>
      tidy(() => this.userTower(userBatch([history], this.config.historyLength))).data.slice(),
    );
  }
}

/** Histories (oldest first) as a user batch: the last K items, padded at the front. */
export function userBatch(histories: ReadonlyArray<ArrayLike<number>>, K: number): UserBatch {
  const B = histories.length;
  const history = new Int32Array(B * K);
  const historyMask = new Float32Array(B * K);
  histories.forEach((items, b) => {
    const take = Math.min(K, items.length);
    for (let j = 0; j < take; j++) {
      history[b * K + K - take + j] = items[items.length - take + j]!;
      historyMask[b * K + K - take + j] = 1;
    }
  });
  return { size: B, history, historyMask };
}
