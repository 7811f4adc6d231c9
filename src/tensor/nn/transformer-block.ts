import type { Random } from '../../core/index.js';
import type { Activation } from '../backend/kernels.js';
import { add } from '../ops/elementwise.js';
import type { Tensor } from '../tensor.js';
import { type AttentionCallOptions, CausalSelfAttention } from './causal-self-attention.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';
import { Module } from './module.js';

export interface TransformerBlockOptions {
  /** Hidden width of the feed-forward layer; default 4 * dim. */
  ffnDim?: number;
  /** Default 'gelu'. */
  activation?: Activation;
}

/** Pre-LayerNorm decoder block (GPT-2; Xiong et al. 2020): x + attn(ln(x)), then x + ffn(ln(x)). */
export class TransformerBlock extends Module {
  readonly ln1: LayerNorm;
  readonly attn: CausalSelfAttention;
  readonly ln2: LayerNorm;
  readonly fc1: Linear;
  readonly fc2: Linear;

  constructor(dim: number, heads: number, random: Random, options: TransformerBlockOptions = {}) {
    super();
    const ffnDim = options.ffnDim ?? 4 * dim;
    this.ln1 = this.addModule('ln1', new LayerNorm(dim));
    this.attn = this.addModule('attn', new CausalSelfAttention(dim, heads, random));
    this.ln2 = this.addModule('ln2', new LayerNorm(dim));
    this.fc1 = this.addModule(
      'fc1',
      new Linear(dim, ffnDim, random, { activation: options.activation ?? 'gelu' }),
    );
    this.fc2 = this.addModule('fc2', new Linear(ffnDim, dim, random));
  }

  forward(x: Tensor, options: AttentionCallOptions = {}): Tensor {
    const h = add(x, this.attn.forward(this.ln1.forward(x), options)); // [B, T, C]
    return add(h, this.fc2.forward(this.fc1.forward(this.ln2.forward(h)))); // [B, T, C]
  }
}
