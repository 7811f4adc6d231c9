import type { Random } from '../../core/index.js';
import type { Activation } from '../backend/kernels.js';
import { linear } from '../ops/linear.js';
import { type Tensor, uniform, zeros } from '../tensor.js';
import { Module } from './module.js';

export interface LinearOptions {
  /** Default true. */
  bias?: boolean;
  /** Fused after the bias; default 'none'. */
  activation?: Activation;
}

/** y = act(x W + b) with W [in, out], initialised U(-1/sqrt(in), 1/sqrt(in)) as PyTorch's Linear. */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly activation: Activation;

  constructor(inFeatures: number, outFeatures: number, random: Random, options: LinearOptions = {}) {
    super();
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = this.addParameter(
      'weight',
      uniform([inFeatures, outFeatures], random, { low: -bound, high: bound }),
    );
    this.bias = options.bias === false ? null : this.addParameter('bias', zeros([outFeatures]));
    this.activation = options.activation ?? 'none';
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias, this.activation); // [..., out]
  }
}
