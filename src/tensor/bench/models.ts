import type { Random } from '../../core/index.js';
import { IntTensor } from '../int-tensor.js';
import type { AttentionCallOptions } from '../nn/causal-self-attention.js';
import { Embedding } from '../nn/embedding.js';
import { BeamKVCache, type KVCache } from '../nn/kv-cache.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import { TransformerBlock } from '../nn/transformer-block.js';
import { add } from '../ops/elementwise.js';
import { mean } from '../ops/reduce.js';
import { reshape, slice } from '../ops/view.js';
import type { Tensor } from '../tensor.js';

/**
 * The two reference workloads of ML-STACK.md, written as genfeed models.
 * "mlp": ids [B, T] -> embedding(vocab x d) -> Dense d->hidden ReLU -> Dense hidden->d
 * -> mean over T -> Dense d->classes.
 */
export class MlpModel extends Module {
  readonly embed: Embedding;
  readonly fc1: Linear;
  readonly fc2: Linear;
  readonly head: Linear;

  constructor(config: { vocab: number; dim: number; hidden: number; classes: number }, random: Random) {
    super();
    this.embed = this.addModule('embed', new Embedding(config.vocab, config.dim, random));
    this.fc1 = this.addModule('fc1', new Linear(config.dim, config.hidden, random, { activation: 'relu' }));
    this.fc2 = this.addModule('fc2', new Linear(config.hidden, config.dim, random));
    this.head = this.addModule('head', new Linear(config.dim, config.classes, random));
  }

  forward(ids: IntTensor): Tensor {
    const x = this.embed.forward(ids); // [B, T, d]
    const h = this.fc2.forward(this.fc1.forward(x)); // [B, T, d]
    return this.head.forward(mean(h, 1)); // [B, classes]
  }
}

export interface TransformerConfig {
  vocab: number;
  classes: number;
  dim: number;
  heads: number;
  layers: number;
  ffnDim: number;
  maxLength: number;
}

/**
 * "tfm": token + learned position embeddings -> pre-LN causal blocks -> final
 * LayerNorm -> the last position -> Dense d->classes (next-item logits).
 */
export class TinyTransformer extends Module {
  readonly config: TransformerConfig;
  readonly tokens: Embedding;
  readonly positions: Embedding;
  readonly blocks: TransformerBlock[];
  readonly norm: LayerNorm;
  readonly head: Linear;
  readonly #positionIds: Map<string, IntTensor> = new Map();

  constructor(config: TransformerConfig, random: Random) {
    super();
    this.config = config;
    this.tokens = this.addModule('tokens', new Embedding(config.vocab, config.dim, random));
    this.positions = this.addModule('positions', new Embedding(config.maxLength, config.dim, random));
    this.blocks = Array.from({ length: config.layers }, (_, i) =>
      this.addModule(
        `blocks.${i}`,
        new TransformerBlock(config.dim, config.heads, random, { ffnDim: config.ffnDim }),
      ),
    );
    this.norm = this.addModule('norm', new LayerNorm(config.dim));
    this.head = this.addModule('head', new Linear(config.dim, config.classes, random));
  }

  /** Position ids start..start+length-1, cached per (start, length). */
  #positionsFrom(start: number, length: number): IntTensor {
    const key = `${start}:${length}`;
    let ids = this.#positionIds.get(key);
    if (ids === undefined) {
      ids = new IntTensor(
        Int32Array.from({ length }, (_, i) => start + i),
        [length],
      );
      this.#positionIds.set(key, ids);
    }
    return ids;
  }

  /**
   * Hidden states [B, T, d] after the final norm. With caches (one per block),
   * positions continue from the cached length.
   */
  hidden(
    ids: IntTensor,
    options: { keyMask?: Uint8Array; caches?: readonly KVCache[] | readonly BeamKVCache[] } = {},
  ): Tensor {
    const [, time] = ids.shape as [number, number];
    const first = options.caches?.[0];
    const start = first instanceof BeamKVCache ? first.context.length + first.length : (first?.length ?? 0);
    const pos = this.positions.forward(this.#positionsFrom(start, time)); // [T, d]
    let x = add(this.tokens.forward(ids), pos); // [B, T, d]
    this.blocks.forEach((block, i) => {
      const call: AttentionCallOptions = {};
      if (options.keyMask !== undefined) call.keyMask = options.keyMask;
      const cache = options.caches?.[i];
      if (cache !== undefined) call.cache = cache;
      x = block.forward(x, call); // [B, T, d]
    });
    return this.norm.forward(x); // [B, T, d]
  }

  /** Logits of the last position: [B, classes]. */
  lastLogits(hidden: Tensor): Tensor {
    const [batch, time, dim] = hidden.shape as [number, number, number];
    const last = reshape(slice(hidden, 1, time - 1, time), [batch, dim]); // [B, d]
    return this.head.forward(last); // [B, classes]
  }
}
