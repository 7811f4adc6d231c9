import { layerNorm } from '../ops/norm.js';
import { ones, type Tensor, zeros } from '../tensor.js';
import { Module } from './module.js';

/** LayerNorm over the last axis with learned gain (ones) and bias (zeros). */
export class LayerNorm extends Module {
  readonly gamma: Tensor;
  readonly beta: Tensor;
  readonly eps: number;

  constructor(dim: number, options: { eps?: number } = {}) {
    super();
    this.gamma = this.addParameter('weight', ones([dim]));
    this.beta = this.addParameter('bias', zeros([dim]));
    this.eps = options.eps ?? 1e-5;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.gamma, this.beta, this.eps);
  }
}
