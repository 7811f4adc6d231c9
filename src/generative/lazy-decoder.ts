import type { Random } from '../core/index.js';
import {
  add,
  BeamKVCache,
  crossEntropy,
  dropout,
  Embedding,
  embedding,
  IntTensor,
  KVCache,
  LayerNorm,
  Module,
  matmul,
  mul,
  noGrad,
  reshape,
  ScratchBuffer,
  slice,
  type Tensor,
  TransformerBlock,
  tidy,
} from '../tensor/index.js';
import type { StepDecoder } from './beam-search.js';
import {
  type NextTokenBatch,
  nextTokenBatch,
  type TokenStreamBatch,
  tokenStreamBatch,
} from './semantic-sequences.js';

export interface LazyDecoderConfig {
  /** Output vocabulary: special tokens then the tokenizer's level ranges. */
  vocabularySize: number;
  /** [depth + 1] first token of each level, then one past the last (the tokenizer's offsets). */
  levelOffsets: number[];
  dim: number;
  layers: number;
  heads: number;
  /** Items of history read; older items are dropped. */
  maxItems: number;
  dropout: number;
  /** Feed-forward width; default 4 * dim. */
  ffnDim?: number;
  /**
   * Items of the catalogue for the item-id input embedding (0: none). When set,
   * the last token slot of every history item also adds that item's own
   * embedding: the slot that predicts the next item's first code, where the
   * item is already fully known, so nothing about a target leaks.
   */
  itemInputs?: number;
  /**
   * Weight of the next-item head's loss (0: no head): at every slot that
   * predicts an item's first code, also the full-softmax cross-entropy of that
   * item against item embeddings (SASRec's objective): the item-id input
   * embedding when there is one (tied), else an output table of `headItems`
   * rows. Generation can mix the head's log-probability into the paths' scores
   * (`StepDecoder.itemLogits`).
   */
  itemLoss?: number;
  /** Items of an untied head (used when itemLoss > 0 and itemInputs is 0). */
  headItems?: number;
  /**
   * 0: the head's loss is a softmax over the whole catalogue. n > 0: over the
   * batch's own next items plus n items drawn uniformly per batch (sampled
   * softmax, much cheaper on large catalogues).
   */
  headNegatives?: number;
}

/**
 * The "lazy" decoder-only generative recommender (OneRec-V2, arXiv 2508.20900;
 * TIGER, arXiv 2305.05065 for the semantic IDs): one causal transformer over
 * the flattened semantic-ID token stream of the history.
 *
 *   stream [B, T] = BOS, item0 tok0..tok(D-1), item1 tok0.., ... (left-padded)
 *   x = token emb + item-position emb (which item) + level emb (which code)  // [B, T, d]
 *   -> dropout -> L pre-LN causal blocks -> final LayerNorm -> hidden [B, T, d]
 *   logits of a slot whose next token has level l = hidden · W_lᵀ, where W_l is
 *   level l's rows of the (tied) token embedding: a softmax per level.
 *
 * Trained causally over whole user sequences: every slot predicts the next
 * token, so one pass trains every item of every user at every level.
 * Generation feeds the history once (prefill into the KV cache), then one
 * token per step for each beam.
 */
export class LazyDecoder extends Module {
  readonly config: Required<LazyDecoderConfig>;
  readonly tokens: Embedding;
  readonly itemPositions: Embedding;
  readonly levels: Embedding;
  /** [itemInputs + 1, d] item-id input embedding (last row: slots without an item); undefined when off. */
  readonly items: Embedding | undefined;
  /** [headItems, d] the head's own item table when it is not tied to `items`. */
  readonly itemHead: Embedding | undefined;
  readonly blocks: TransformerBlock[];
  readonly norm: LayerNorm;

  constructor(config: LazyDecoderConfig, random: Random) {
    super();
    this.config = {
      ffnDim: 4 * config.dim,
      itemInputs: 0,
      itemLoss: 0,
      headItems: 0,
      headNegatives: 0,
      ...config,
    };
    const { vocabularySize, dim, layers, heads, maxItems, ffnDim, itemInputs, itemLoss, headItems } =
      this.config;
    if (itemLoss > 0 && itemInputs === 0 && headItems === 0)
      throw new RangeError('LazyDecoder: an item head (itemLoss > 0) needs itemInputs or headItems');
    this.tokens = this.addModule('tokens', new Embedding(vocabularySize, dim, random));
    // maxItems + 1: the history window plus the item being generated.
    this.itemPositions = this.addModule('itemPositions', new Embedding(maxItems + 1, dim, random));
    this.levels = this.addModule('levels', new Embedding(this.depth + 1, dim, random));
    this.items =
      itemInputs > 0 ? this.addModule('items', new Embedding(itemInputs + 1, dim, random)) : undefined;
    this.itemHead =
      itemLoss > 0 && itemInputs === 0
        ? this.addModule('itemHead', new Embedding(headItems, dim, random))
        : undefined;
    this.blocks = Array.from({ length: layers }, (_, i) =>
      this.addModule(`blocks.${i}`, new TransformerBlock(dim, heads, random, { ffnDim })),
    );
    this.norm = this.addModule('norm', new LayerNorm(dim));
  }

  /** Tokens per item (L codes + disambiguation). */
  get depth(): number {
    return this.config.levelOffsets.length - 1;
  }

  /** Hidden states [B, T, d] of a stream batch; `random` drives dropout in training mode. */
  hidden(batch: TokenStreamBatch, random?: Random): Tensor {
    const drop = (x: Tensor): Tensor =>
      this.training && random !== undefined ? dropout(x, this.config.dropout, random) : x;
    let x = this.embed(batch.inputs, batch.itemPositions, batch.levels, batch.items); // [B, T, d]
    x = drop(x);
    const keyMask = batch.keyMask;
    for (const block of this.blocks) {
      if (!this.training || this.config.dropout === 0) {
        x = block.forward(x, { keyMask }); // [B, T, d]
        continue;
      }
      // The block with dropout on both residual branches (nanoGPT's resid_dropout).
      const h = add(x, drop(block.attn.forward(block.ln1.forward(x), { keyMask }))); // [B, T, d]
      x = add(h, drop(block.fc2.forward(block.fc1.forward(block.ln2.forward(h))))); // [B, T, d]
    }
    return this.norm.forward(x); // [B, T, d]
  }

  /** Input embedding of stream slots: token + item position + level (+ item id at items' last slots). */
  embed(inputs: IntTensor, itemPositions: IntTensor, levels: IntTensor, items: Int32Array): Tensor {
    const x = add(
      add(this.tokens.forward(inputs), this.itemPositions.forward(itemPositions)),
      this.levels.forward(levels),
    ); // [B, T, d]
    if (this.items === undefined) return x;
    const none = this.config.itemInputs;
    const ids = items.map((item) => (item < 0 ? none : item));
    return add(x, this.items.forward(new IntTensor(ids, inputs.shape))); // [B, T, d]
  }

  /** Level l's output rows of the tied token embedding, [size_l, d] (a view). */
  levelWeights(level: number): Tensor {
    const offsets = this.config.levelOffsets;
    return slice(this.tokens.weight, 0, offsets[level]!, offsets[level + 1]!); // [K_l, d]
  }

  /** [numItems, d] the next-item head's item embeddings (a view), or undefined without a head. */
  headWeights(): Tensor | undefined {
    if (this.config.itemLoss <= 0) return undefined;
    if (this.itemHead !== undefined) return this.itemHead.weight;
    return slice(this.items!.weight, 0, 0, this.config.itemInputs); // without the 'none' row
  }

  /** Mean per-level cross-entropy of every next token of the batch (each token weighs the same). */
  loss(batch: NextTokenBatch, random: Random): Tensor {
    const hidden = this.hidden(batch, random); // [B, T, d]
    const [rows, time, dim] = hidden.shape as [number, number, number];
    const flat = reshape(hidden, [rows * time, dim]); // [B*T, d]
    const total = batch.targets.reduce((sum, targets) => sum + targets.size, 0);
    let loss: Tensor | undefined;
    for (let level = 0; level < this.depth; level++) {
      const count = batch.targets[level]!.size;
      if (count === 0) continue;
      const states = embedding(flat, batch.positions[level]!); // [N_l, d]
      const logits = matmul(states, this.levelWeights(level), { transB: true }); // [N_l, K_l]
      const term = mul(crossEntropy(logits, batch.targets[level]!), count / total); // []
      loss = loss === undefined ? term : add(loss, term);
    }
    if (loss === undefined) throw new RangeError('LazyDecoder.loss: the batch has no targets');
    const head = this.headWeights(); // [numItems, d]
    if (head !== undefined && batch.nextItems.size > 0) {
      const states = embedding(flat, batch.positions[0]!); // [N_0, d]
      const negatives = this.config.headNegatives;
      let logits: Tensor;
      let targets = batch.nextItems;
      if (negatives === 0) {
        logits = matmul(states, head, { transB: true }); // [N_0, numItems]
      } else {
        const { candidates, indices } = sampledCandidates(
          batch.nextItems.data,
          negatives,
          head.shape[0]!,
          random,
        );
        logits = matmul(states, embedding(head, candidates), { transB: true }); // [N_0, U]
        targets = indices;
      }
      loss = add(loss, mul(crossEntropy(logits, targets), this.config.itemLoss)); // []
    }
    return loss;
  }

  /** `loss` of the causal token-stream batch of whole sequences (their last maxItems + 1 items). */
  sequenceLoss(sequences: readonly Int32Array[], itemTokens: Int32Array, random: Random): Tensor {
    const { maxItems, levelOffsets } = this.config;
    return this.loss(nextTokenBatch(sequences, itemTokens, this.depth, maxItems, levelOffsets), random);
  }

  /**
   * A step decoder over one history (items, oldest first) for beam search:
   * `begin` prefills the KV caches with the history's stream and returns the
   * level-0 logits; each `step` feeds one token per beam. Logits are [beams, V]
   * with -Infinity outside the level being generated. `fork` gives another
   * decoder over the same prefilled history (its own beams; no second
   * prefill). `release` hands a decoder's caches and logits back to the buffer
   * pool, and the history's caches with the last decoder of the family, so a
   * request that releases what it decoded allocates almost nothing once the pool
   * is warm. Inference only.
   */
  decoder(history: Int32Array, itemTokens: Int32Array): StepDecoder {
    const { vocabularySize, maxItems, dim } = this.config;
    const depth = this.depth;
    const stream = tokenStreamBatch([history], itemTokens, depth, maxItems); // [1, T0]
    const prefix = stream.inputs.shape[1]!;
    const nextItem = Math.min(history.length, maxItems); // item position of the generated item
    const head = this.headWeights(); // [numItems, d]
    // Shared by every fork once the first `begin` ran: the history's caches and what follows it.
    let context: KVCache[] | undefined;
    let firstLogits: Float32Array | undefined; // [1, V] level 0
    let itemLogits: Float32Array | undefined; // [numItems] the head's logits after the history
    let open = 0; // decoders of this family not yet released
    const logitsOf = (hidden: Tensor, level: number, out: Float32Array): void => {
      // hidden [rows, d] -> out [rows, V] with only level `level` filled
      const rows = hidden.shape[0]!;
      out.fill(Number.NEGATIVE_INFINITY);
      const weights = this.levelWeights(level); // [K_l, d]
      const logits = matmul(hidden, weights, { transB: true }); // [rows, K_l]
      const size = weights.shape[0]!;
      const offset = this.config.levelOffsets[level]!;
      for (let row = 0; row < rows; row++) {
        out.set(logits.data.subarray(row * size, (row + 1) * size), row * vocabularySize + offset);
      }
    };
    const run = (
      caches: readonly (KVCache | BeamKVCache)[],
      level: number,
      inputs: IntTensor,
      itemPositions: IntTensor,
      levels: IntTensor,
      items: Int32Array,
      time: number,
      out: Float32Array, // [rows, V] the logits, written
    ): void => {
      const rows = inputs.shape[0]!;
      noGrad(() =>
        tidy(() => {
          let x = this.embed(inputs, itemPositions, levels, items); // [rows, time, d]
          this.blocks.forEach((block, i) => {
            x = block.forward(x, { cache: caches[i]! }); // [rows, time, d]
          });
          const last = reshape(slice(this.norm.forward(x), 1, time - 1, time), [rows, dim]); // [rows, d]
          logitsOf(last, level, out);
          // After the history (level 0 next) the same state feeds the next-item head.
          if (level === 0 && head !== undefined)
            itemLogits = matmul(last, head, { transB: true }).data.slice(); // [numItems]
          return null;
        }),
      );
    };
    const prefill = (): void => {
      this.eval();
      // Every history's caches have the longest stream's length, so the pool hands them round.
      const caches = this.blocks.map(() => new KVCache(1, 1 + maxItems * depth, dim));
      firstLogits = new Float32Array(vocabularySize);
      run(caches, 0, stream.inputs, stream.itemPositions, stream.levels, stream.items, prefix, firstLogits);
      context = caches;
    };
    const stepper = (): StepDecoder => {
      let caches: BeamKVCache[] = [];
      let level = 0; // level of the next token to generate
      // The logits handed out, [beams, V], rewritten at every call.
      const logits = new ScratchBuffer();
      let released = false;
      open++;
      const live = (): void => {
        if (released) throw new Error('LazyDecoder: decoder used after release');
      };
      const releaseBeams = (): void => {
        for (const cache of caches) cache.release();
        caches = [];
      };
      return {
        vocabularySize,
        begin(): Float32Array {
          live();
          if (context === undefined) prefill();
          // The beams share the history's keys and values and keep only their own tokens'.
          releaseBeams();
          caches = context!.map((cache) => new BeamKVCache(cache, depth));
          level = 0;
          const out = logits.take(vocabularySize); // [1, V] a copy: the caller may overwrite it
          out.set(firstLogits!);
          return out;
        },
        step(parents: Int32Array, tokens: Int32Array): Float32Array {
          live();
          const beams = parents.length;
          // Beam i continues the cached tokens of parents[i].
          for (const cache of caches) cache.reorder(parents);
          const shape = [beams, 1];
          const fedLevel = level;
          level++;
          const out = logits.take(beams * vocabularySize); // [beams, V]
          run(
            caches,
            level,
            new IntTensor(Int32Array.from(tokens), shape),
            new IntTensor(new Int32Array(beams).fill(nextItem), shape),
            new IntTensor(new Int32Array(beams).fill(fedLevel), shape),
            // Fed tokens are codes 0..D-2 of the item being generated: never an item's last slot.
            new Int32Array(beams).fill(-1),
            1,
            out,
          );
          return out;
        },
        fork: stepper,
        release(): void {
          if (released) return;
          released = true;
          releaseBeams();
          logits.release();
          open--;
          if (open > 0 || context === undefined) return;
          for (const cache of context) cache.release();
          context = undefined;
        },
        ...(head !== undefined && {
          itemLogits: (): Float32Array => {
            if (itemLogits === undefined) throw new Error('LazyDecoder: itemLogits before begin');
            return itemLogits;
          },
        }),
      };
    };
    return stepper();
  }
}

/**
 * The items of a sampled head softmax: the batch's next items and `negatives`
 * uniform draws from the catalogue, each once ([U]), and each target's index
 * among them ([N]).
 */
function sampledCandidates(
  targets: Int32Array,
  negatives: number,
  numItems: number,
  random: Random,
): { candidates: IntTensor; indices: IntTensor } {
  const index = new Map<number, number>();
  const indexOf = (item: number): number => {
    let at = index.get(item);
    if (at === undefined) {
      at = index.size;
      index.set(item, at);
    }
    return at;
  };
  const indices = Int32Array.from(targets, indexOf);
  for (let i = 0; i < negatives; i++) indexOf(random.int(numItems));
  const candidates = Int32Array.from(index.keys());
  return {
    candidates: new IntTensor(candidates, [candidates.length]),
    indices: new IntTensor(indices, [indices.length]),
  };
}
