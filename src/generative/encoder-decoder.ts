import type { Random } from '../core/index.js';
import {
  add,
  attention,
  crossEntropy,
  dropout,
  Embedding,
  embedding,
  IntTensor,
  LayerNorm,
  Linear,
  Module,
  matmul,
  mul,
  noGrad,
  reshape,
  slice,
  type Tensor,
  TransformerBlock,
  tensor,
  tidy,
} from '../tensor/index.js';
import type { StepDecoder } from './beam-search.js';
import { BOS_TOKEN, PAD_TOKEN } from './semantic-sequences.js';

export interface EncoderDecoderConfig {
  vocabularySize: number;
  /** [depth + 1] first token of each level, then one past the last. */
  levelOffsets: number[];
  dim: number;
  /** Encoder blocks. */
  layers: number;
  decoderLayers: number;
  heads: number;
  maxItems: number;
  dropout: number;
  /** Feed-forward width; default 4 * dim. */
  ffnDim?: number;
}

/** Decoder block: causal self-attention, cross-attention over the encoder memory, FFN (pre-LN, Vaswani et al. 2017). */
class DecoderBlock extends Module {
  readonly self: TransformerBlock;
  readonly lnCross: LayerNorm;
  readonly query: Linear;
  readonly key: Linear;
  readonly value: Linear;
  readonly out: Linear;
  readonly heads: number;

  constructor(dim: number, heads: number, ffnDim: number, random: Random) {
    super();
    this.heads = heads;
    // Self-attention + FFN come from the engine's block; cross-attention sits between them.
    this.self = this.addModule('self', new TransformerBlock(dim, heads, random, { ffnDim }));
    this.lnCross = this.addModule('lnCross', new LayerNorm(dim));
    this.query = this.addModule('query', new Linear(dim, dim, random));
    this.key = this.addModule('key', new Linear(dim, dim, random));
    this.value = this.addModule('value', new Linear(dim, dim, random));
    this.out = this.addModule('out', new Linear(dim, dim, random));
  }

  /** x [N, S, d]; keys/values [N, M, d] already projected; memoryMask [N, M]. */
  forward(
    x: Tensor,
    keys: Tensor,
    values: Tensor,
    memoryMask: Uint8Array,
    drop: (x: Tensor) => Tensor,
  ): Tensor {
    const s = this.self;
    let h = add(x, drop(s.attn.forward(s.ln1.forward(x)))); // [N, S, d]
    const q = this.query.forward(this.lnCross.forward(h)); // [N, S, d]
    const crossed = attention(q, keys, values, { heads: this.heads, keyMask: memoryMask }); // [N, S, d]
    h = add(h, drop(this.out.forward(crossed))); // [N, S, d]
    return add(h, drop(s.fc2.forward(s.fc1.forward(s.ln2.forward(h))))); // [N, S, d]
  }
}

/**
 * The encoder-decoder generative recommender (TIGER, arXiv 2305.05065; OneRec
 * v1, arXiv 2502.18965):
 *
 *   history items [B, N] -> item vector = sum of its D code embeddings + item position  // [B, N, d]
 *   -> encoder blocks (causal, so slot t summarises items 0..t) -> LayerNorm -> memory [B, N, d]
 *   decoder input [BOS, tok0 .. tok(D-2)] + level embedding                              // [*, D, d]
 *   -> decoder blocks (causal self-attention, cross-attention over memory, FFN) -> LayerNorm
 *   logits at decoder slot l = hidden · W_lᵀ (level l's rows of the tied token embedding)
 *
 * Trained over whole sequences in one pass: the target after encoder slot t
 * cross-attends to memory slots 0..t only (a key mask per target), so every
 * next item of every user trains at once, as in the decoder-only model.
 */
export class EncoderDecoder extends Module {
  readonly config: Required<EncoderDecoderConfig>;
  readonly tokens: Embedding;
  readonly itemPositions: Embedding;
  readonly levels: Embedding;
  readonly encoder: TransformerBlock[];
  readonly encoderNorm: LayerNorm;
  readonly decoderBlocks: DecoderBlock[];
  readonly norm: LayerNorm;

  constructor(config: EncoderDecoderConfig, random: Random) {
    super();
    this.config = { ffnDim: 4 * config.dim, ...config };
    const { vocabularySize, dim, layers, decoderLayers, heads, maxItems, ffnDim } = this.config;
    this.tokens = this.addModule('tokens', new Embedding(vocabularySize, dim, random));
    this.itemPositions = this.addModule('itemPositions', new Embedding(maxItems, dim, random));
    this.levels = this.addModule('levels', new Embedding(this.depth, dim, random));
    this.encoder = Array.from({ length: layers }, (_, i) =>
      this.addModule(`encoder.${i}`, new TransformerBlock(dim, heads, random, { ffnDim })),
    );
    this.encoderNorm = this.addModule('encoderNorm', new LayerNorm(dim));
    this.decoderBlocks = Array.from({ length: decoderLayers }, (_, i) =>
      this.addModule(`decoder.${i}`, new DecoderBlock(dim, heads, ffnDim, random)),
    );
    this.norm = this.addModule('norm', new LayerNorm(dim));
  }

  get depth(): number {
    return this.config.levelOffsets.length - 1;
  }

  levelWeights(level: number): Tensor {
    const offsets = this.config.levelOffsets;
    return slice(this.tokens.weight, 0, offsets[level]!, offsets[level + 1]!); // [K_l, d]
  }

  #drop(random: Random | undefined): (x: Tensor) => Tensor {
    return (x) => (this.training && random !== undefined ? dropout(x, this.config.dropout, random) : x);
  }

  /** Encoder memory [B, T, d] of left-padded item windows (item tokens [B, T, D] flattened per level). */
  encode(
    windows: readonly Int32Array[],
    itemTokens: Int32Array,
    random?: Random,
  ): { memory: Tensor; keyMask: Uint8Array } {
    const depth = this.depth;
    const rows = windows.length;
    const time = Math.max(1, ...windows.map((window) => window.length));
    const keyMask = new Uint8Array(rows * time);
    const positions = new Int32Array(rows * time);
    const perLevel = Array.from({ length: depth }, () => new Int32Array(rows * time).fill(PAD_TOKEN));
    windows.forEach((window, row) => {
      const start = row * time + time - window.length;
      window.forEach((item, i) => {
        keyMask[start + i] = 1;
        positions[start + i] = i;
        for (let level = 0; level < depth; level++)
          perLevel[level]![start + i] = itemTokens[item * depth + level]!;
      });
    });
    const shape = [rows, time];
    let x = this.itemPositions.forward(new IntTensor(positions, shape)); // [B, T, d]
    for (const ids of perLevel) x = add(x, this.tokens.forward(new IntTensor(ids, shape))); // [B, T, d]
    const drop = this.#drop(random);
    x = drop(x);
    for (const block of this.encoder) {
      const h = add(x, drop(block.attn.forward(block.ln1.forward(x), { keyMask }))); // [B, T, d]
      x = add(h, drop(block.fc2.forward(block.fc1.forward(block.ln2.forward(h))))); // [B, T, d]
    }
    return { memory: this.encoderNorm.forward(x), keyMask }; // [B, T, d]
  }

  /** Decoder hidden states [N, S, d] of decoder inputs [N, S] over per-target memory keys/values. */
  decode(
    inputs: IntTensor,
    memory: Tensor,
    gather: IntTensor,
    memoryMask: Uint8Array,
    random?: Random,
  ): Tensor {
    const [n, steps] = inputs.shape as [number, number];
    const levelIds = new Int32Array(n * steps);
    for (let i = 0; i < levelIds.length; i++) levelIds[i] = i % steps;
    const drop = this.#drop(random);
    let x = drop(add(this.tokens.forward(inputs), this.levels.forward(new IntTensor(levelIds, [n, steps])))); // [N, S, d]
    const [, , dim] = memory.shape as [number, number, number];
    const flat = reshape(memory, [-1, dim]); // [B*T, d]
    for (const block of this.decoderBlocks) {
      const keys = embedding(block.key.forward(flat), gather); // [N, M, d]
      const values = embedding(block.value.forward(flat), gather); // [N, M, d]
      x = block.forward(x, keys, values, memoryMask, drop); // [N, S, d]
    }
    return this.norm.forward(x); // [N, S, d]
  }

  /** Mean per-level cross-entropy of every next item of every sequence (last maxItems + 1 items). */
  sequenceLoss(sequences: readonly Int32Array[], itemTokens: Int32Array, random: Random): Tensor {
    const { maxItems, levelOffsets } = this.config;
    const depth = this.depth;
    const windows = sequences.map((sequence) =>
      sequence.subarray(Math.max(0, sequence.length - maxItems - 1)),
    );
    const { memory, keyMask } = this.encode(
      windows.map((window) => window.subarray(0, -1)),
      itemTokens,
      random,
    ); // [B, T, d]
    const time = memory.shape[1]!;
    const targets = windows.flatMap((window, row) =>
      Array.from({ length: window.length - 1 }, (_, t) => ({
        row,
        slot: time - (window.length - 1) + t,
        item: window[t + 1]!,
      })),
    );
    const n = targets.length;
    const gather = new Int32Array(n * time);
    const memoryMask = new Uint8Array(n * time);
    const inputs = new Int32Array(n * depth);
    const codes = Array.from({ length: depth }, () => new Int32Array(n));
    targets.forEach(({ row, slot, item }, i) => {
      for (let s = 0; s < time; s++) {
        gather[i * time + s] = row * time + s;
        memoryMask[i * time + s] = s <= slot ? keyMask[row * time + s]! : 0;
      }
      inputs[i * depth] = BOS_TOKEN;
      for (let level = 0; level < depth; level++) {
        const token = itemTokens[item * depth + level]!;
        if (level + 1 < depth) inputs[i * depth + level + 1] = token;
        codes[level]![i] = token - levelOffsets[level]!;
      }
    });
    const hidden = this.decode(
      new IntTensor(inputs, [n, depth]),
      memory,
      new IntTensor(gather, [n, time]),
      memoryMask,
      random,
    ); // [N, D, d]
    let loss: Tensor | undefined;
    for (let level = 0; level < depth; level++) {
      const states = reshape(slice(hidden, 1, level, level + 1), [n, this.config.dim]); // [N, d]
      const logits = matmul(states, this.levelWeights(level), { transB: true }); // [N, K_l]
      const term = mul(crossEntropy(logits, new IntTensor(codes[level]!, [n])), 1 / depth);
      loss = loss === undefined ? term : add(loss, term);
    }
    return loss!;
  }

  /**
   * Step decoder for beam search: the history is encoded once; each step
   * re-runs the (at most D-token) decoder prefix of every beam against the
   * shared memory. Logits are [beams, V], -Infinity outside the level generated.
   */
  decoder(history: Int32Array, itemTokens: Int32Array): StepDecoder {
    const { vocabularySize, maxItems, dim, levelOffsets } = this.config;
    const model = this;
    const window = history.subarray(Math.max(0, history.length - maxItems));
    let prefixes = new Int32Array([BOS_TOKEN]); // [beams, step + 1]
    let previousBeams = 1;
    let memory: Float32Array = new Float32Array(0); // [1, T, d]
    const time = Math.max(1, window.length);
    const run = (beams: number, steps: number): Float32Array => {
      const out = new Float32Array(beams * vocabularySize).fill(Number.NEGATIVE_INFINITY);
      noGrad(() =>
        tidy(() => {
          const shared = new Float32Array(beams * time * dim);
          for (let b = 0; b < beams; b++) shared.set(memory, b * time * dim);
          const gather = new Int32Array(beams * time);
          for (let i = 0; i < gather.length; i++) gather[i] = i;
          const memoryMask = new Uint8Array(beams * time).fill(window.length > 0 ? 1 : 0);
          const hidden = model.decode(
            new IntTensor(prefixes, [beams, steps]),
            tensor(shared, [beams, time, dim]),
            new IntTensor(gather, [beams, time]),
            memoryMask,
          ); // [beams, S, d]
          const level = steps - 1;
          const last = reshape(slice(hidden, 1, level, level + 1), [beams, dim]); // [beams, d]
          const logits = matmul(last, model.levelWeights(level), { transB: true }); // [beams, K_l]
          const size = logits.shape[1]!;
          for (let b = 0; b < beams; b++)
            out.set(
              logits.data.subarray(b * size, (b + 1) * size),
              b * vocabularySize + levelOffsets[level]!,
            );
          return null;
        }),
      );
      return out;
    };
    return {
      vocabularySize,
      begin(): Float32Array {
        model.eval();
        noGrad(() =>
          tidy(() => {
            memory = model.encode([window], itemTokens).memory.data.slice(0, time * dim);
            return null;
          }),
        );
        prefixes = new Int32Array([BOS_TOKEN]);
        previousBeams = 1;
        return run(1, 1);
      },
      step(parents: Int32Array, tokens: Int32Array): Float32Array {
        const width = prefixes.length / previousBeams;
        const next = new Int32Array(parents.length * (width + 1));
        parents.forEach((parent, i) => {
          next.set(prefixes.subarray(parent * width, (parent + 1) * width), i * (width + 1));
          next[i * (width + 1) + width] = tokens[i]!;
        });
        prefixes = next;
        previousBeams = parents.length;
        return run(parents.length, width + 1);
      },
    };
  }
}
