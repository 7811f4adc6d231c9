import type { Random } from '../../core/index.js';
import type { IntTensor } from '../int-tensor.js';
import { embedding } from '../ops/embedding.js';
import { randn, type Tensor } from '../tensor.js';
import { Module } from './module.js';

/** A [vocab, dim] lookup table, initialised N(0, std^2) (std 0.02 as GPT-2). */
export class Embedding extends Module {
  readonly weight: Tensor;

  constructor(vocab: number, dim: number, random: Random, options: { std?: number } = {}) {
    super();
    this.weight = this.addParameter('weight', randn([vocab, dim], random, { std: options.std ?? 0.02 }));
  }

  forward(ids: IntTensor): Tensor {
    return embedding(this.weight, ids); // [...ids, dim]
  }
}
