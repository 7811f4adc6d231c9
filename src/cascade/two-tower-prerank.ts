import type { TwoTowerModel } from './two-tower-model.js';

/**
 * The two-tower model serving as the pre-rank: item vectors computed once at
 * build (or load), and per request one user-tower forward over the history and
 * one dot product per recalled candidate.
 */
export class TwoTowerPrerank {
  readonly #dim: number;

  constructor(
    readonly model: TwoTowerModel,
    /** [numItems, dim] the item tower's output for every catalogue item. */
    readonly itemVectors: Float32Array,
  ) {
    this.#dim = model.config.dim;
    if (itemVectors.length !== model.config.numItems * this.#dim) {
      throw new RangeError(
        `TwoTowerPrerank: ${itemVectors.length} item-vector values, expected ${model.config.numItems} x ${this.#dim}`,
      );
    }
  }

  /** [candidates] u . v_i of each candidate for this history (oldest first). */
  scores(candidates: Int32Array, history: Int32Array): Float32Array {
    const d = this.#dim;
    const user = this.model.userVector(history); // [d]
    const out = new Float32Array(candidates.length);
    const vectors = this.itemVectors;
    for (let k = 0; k < candidates.length; k++) {
      const row = candidates[k]! * d;
      let sum = 0;
      for (let j = 0; j < d; j++) sum += user[j]! * vectors[row + j]!;
      out[k] = sum;
    }
    return out;
  }
}
