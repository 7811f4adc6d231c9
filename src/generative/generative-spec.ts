import { InvalidInputError, Random } from '../core/index.js';
import type { Dataset } from '../data/index.js';
import type {
  EvalPhase,
  FitContext,
  FitResult,
  ModelReport,
  Params,
  Recommender,
  RecommenderSpec,
  ReportContext,
  TrainingData,
} from '../eval/index.js';
import { loadCheckpoint, loadParameters, type Module, saveCheckpoint, type Tensor } from '../tensor/index.js';
import {
  collaborativeVectors,
  combineItemVectors,
  contentVectors,
  type ItemVectors,
  loadTokenizer,
  SemanticTokenizer,
  saveTokenizer,
} from '../tokenizer/index.js';
import { type TrainingResult, train } from '../training/index.js';
import { beamSearch, type StepDecoder } from './beam-search.js';
import { EncoderDecoder, type EncoderDecoderConfig } from './encoder-decoder.js';
import { LazyDecoder, type LazyDecoderConfig } from './lazy-decoder.js';
import type { LogitsProcessor } from './logits-processor.js';
import { generativeReport } from './model-report.js';
import { type NeuralFitOptions, neuralFitResult, neuralTrainerOptions } from './neural-fit.js';
import { ExcludeItemsProcessor, PrefixConstraintProcessor } from './prefix-constraint.js';
import { SasRecRecommender } from './sasrec-spec.js';
import { FIRST_ITEM_TOKEN } from './semantic-sequences.js';

/** A model the recommender can train and decode: the lazy decoder or the encoder-decoder. */
export type GenerativeModel = Module & {
  readonly config: LazyDecoderConfig;
  sequenceLoss(sequences: readonly Int32Array[], itemTokens: Int32Array, random: Random): Tensor;
  decoder(history: Int32Array, itemTokens: Int32Array): StepDecoder;
};

/** The architectures (`architecture` param), each built from the shared config. */
export const ARCHITECTURES = {
  'lazy-decoder': (config: EncoderDecoderConfig, random: Random): GenerativeModel =>
    new LazyDecoder(config, random),
  'encoder-decoder': (config: EncoderDecoderConfig, random: Random): GenerativeModel =>
    new EncoderDecoder(config, random),
} as const;
const ARCHITECTURE_NAMES = Object.keys(ARCHITECTURES) as (keyof typeof ARCHITECTURES)[];

/** Item vectors the tokenizer is fitted on (`vectorKind` param). */
export const VECTOR_KINDS = ['collaborative', 'combined', 'content', 'sequential'] as const;

export interface GenerativeRecommenderOptions extends NeuralFitOptions {
  /**
   * Content vectors of the items (row i = item i, e.g. `contentVectors` of the
   * dataset's metadata): needed for vectorKind 1 (combined) and 2 (content).
   * A function is called only when one of those kinds is fitted.
   */
  content?: ItemVectors | (() => ItemVectors);
}

export interface GenerativeSaveOptions {
  /** Where the tokenizer goes. Default: the model's path + '.tokenizer'. */
  tokenizerPath?: string;
  /** The dataset's id of each item, stored in the tokenizer checkpoint. */
  itemIds?: readonly string[];
}

/** A generated list: items best first, scores = sum of token log-probabilities. */
export interface Generated {
  items: Int32Array;
  scores: Float32Array;
}

/**
 * Generative retrieval on the eval interface (TIGER / OneRec): `fit` builds
 * item vectors from the fit sequences only, fits the RQ-Kmeans semantic-ID
 * tokenizer on them, and trains the lazy decoder causally over the users'
 * token streams with the shared trainer (early stopping on validation Recall@10
 * by beam search when the context has a validation phase). `recommend` is
 * trie-constrained beam search: every result is a real item the user has not
 * consumed.
 */
export class GenerativeRecommender implements Recommender {
  readonly params: Params;
  readonly options: GenerativeRecommenderOptions;
  training: TrainingResult | undefined;
  #model: GenerativeModel | undefined;
  #tokenizer: SemanticTokenizer | undefined;
  #itemTokens: Int32Array = new Int32Array(0);
  /** The item vectors the tokenizer was fitted on (for its report; not saved). */
  #vectors: ItemVectors | undefined;

  constructor(params: Params = {}, options: GenerativeRecommenderOptions = {}) {
    this.params = { ...generativeSpec.defaults, ...params };
    this.options = options;
  }

  get model(): GenerativeModel {
    if (this.#model === undefined) throw new Error('GenerativeRecommender: fit or load the model first');
    return this.#model;
  }

  get tokenizer(): SemanticTokenizer {
    if (this.#tokenizer === undefined) throw new Error('GenerativeRecommender: fit or load the model first');
    return this.#tokenizer;
  }

  async fit(data: TrainingData, context: FitContext): Promise<FitResult | undefined> {
    const p = this.params as Record<keyof typeof generativeSpec.defaults, number>;
    const random = context.random.fork();
    const started = performance.now();
    const vectors = await this.#itemVectors(data, p, context);
    this.#vectors = vectors;
    this.#setTokenizer(
      SemanticTokenizer.fit(vectors, {
        levels: p.levels,
        codebookSize: p.codebookSize,
        seed: p.tokenizerSeed,
        firstToken: FIRST_ITEM_TOKEN,
      }),
    );
    context.logger.info(
      `generative: tokenizer (${VECTOR_KINDS[p.vectorKind]}, ${p.levels} x ${p.codebookSize}) fitted in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const model = buildModel(configFrom(p, this.tokenizer), p.architecture, random.fork());
    this.#model = model;
    // The decoder-only model also learns each first item (from BOS); the encoder-decoder needs a history item.
    const shortest = p.architecture === 0 ? 1 : 2;
    const sequences = data.sequences.filter((sequence) => sequence.length >= shortest);
    const result = await train(
      {
        module: model,
        examples: sequences.length,
        exampleSize: (i) => Math.min(sequences[i]!.length, p.maxItems + 1),
        loss: (batch, batchRandom) =>
          model.sequenceLoss(
            Array.from(batch, (i) => sequences[i]!),
            this.#itemTokens,
            batchRandom,
          ),
      },
      neuralTrainerOptions(p, context, { ...this.options, random, scorer: this, numItems: data.numItems }),
    );
    this.training = result;
    model.eval();
    return neuralFitResult('generative', p, result, context);
  }

  /**
   * The top `k` items by trie-constrained beam search (beam width
   * max(k, beamWidth)), none of them in `exclude`.
   */
  recommend(_user: number, history: Int32Array, k: number, exclude: Int32Array): Generated {
    return this.generate(history, k, exclude);
  }

  /** `recommend` without a user index: the top `k` next items after `history`. */
  generate(
    history: Int32Array,
    k: number,
    exclude: ArrayLike<number> = history,
    beamWidth?: number,
  ): Generated {
    const tokenizer = this.tokenizer;
    const { trie, vocabulary, depth } = tokenizer;
    const processors: LogitsProcessor[] = [new PrefixConstraintProcessor(trie, vocabulary)];
    if (exclude.length > 0) processors.push(new ExcludeItemsProcessor(tokenizer, Array.from(exclude)));
    const width = Math.max(k, beamWidth ?? this.params.beamWidth!);
    const result = beamSearch(this.model.decoder(history, this.#itemTokens), {
      beamWidth: width,
      steps: depth,
      processors,
    });
    const count = Math.min(k, result.scores.length);
    const items = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const id = vocabulary.semanticId(result.tokens.subarray(i * depth, (i + 1) * depth));
      items[i] = tokenizer.itemOf(id) ?? -1;
    }
    return { items, scores: result.scores.slice(0, count) };
  }

  /**
   * OneRec's session-wise generation (arXiv 2502.18965): a list of `n` distinct
   * items generated one after another, each conditioned on the history plus the
   * items generated before it and excluded from what follows.
   */
  generateSession(history: Int32Array, n: number, exclude: ArrayLike<number> = history): Generated {
    const items = new Int32Array(n);
    const scores = new Float32Array(n);
    const excluded = Array.from(exclude);
    let context = history;
    let produced = 0;
    for (; produced < n; produced++) {
      const next = this.generate(context, 1, excluded);
      if (next.items.length === 0) break;
      items[produced] = next.items[0]!;
      scores[produced] = next.scores[0]!;
      excluded.push(next.items[0]!);
      const extended = new Int32Array(context.length + 1);
      extended.set(context);
      extended[context.length] = next.items[0]!;
      context = extended;
    }
    return { items: items.slice(0, produced), scores: scores.slice(0, produced) };
  }

  /** Full-catalogue interface: generated items get their beam score, the rest -Infinity. */
  score(_user: number, history: Int32Array, scores: Float32Array): void {
    scores.fill(Number.NEGATIVE_INFINITY);
    const { items, scores: values } = this.generate(history, this.params.beamWidth!, new Int32Array(0));
    items.forEach((item, i) => {
      scores[item] = values[i]!;
    });
  }

  /** Tokenizer statistics and beam-search latency for the evaluation report (model-report.ts). */
  report(phase: EvalPhase, context: ReportContext): ModelReport {
    return generativeReport(
      (history, k, exclude, beamWidth) => this.generate(history, k, exclude, beamWidth),
      { tokenizer: this.tokenizer, vectors: this.#vectors },
      phase,
      context,
    );
  }

  /**
   * Writes the model to `path` and its tokenizer (with the item ids, when given)
   * to `tokenizerPath` (default `path + '.tokenizer'`), safetensors both.
   */
  async save(path: string, options: GenerativeSaveOptions = {}): Promise<void> {
    await saveTokenizer(
      options.tokenizerPath ?? `${path}.tokenizer`,
      this.tokenizer,
      options.itemIds === undefined ? {} : { itemIds: options.itemIds },
    );
    await saveCheckpoint(path, this.model.namedParameters(), {
      config: { model: 'generative', ...this.model.config, params: this.params },
    });
  }

  static async load(
    path: string,
    options: GenerativeRecommenderOptions = {},
    tokenizerPath = `${path}.tokenizer`,
  ): Promise<GenerativeRecommender> {
    const checkpoint = await loadCheckpoint(path);
    const config = checkpoint.config as
      | (Required<EncoderDecoderConfig> & { model?: string; params?: Params })
      | null;
    if (config?.model !== 'generative')
      throw new InvalidInputError(`Cannot load ${path}: not a generative checkpoint`);
    const recommender = new GenerativeRecommender(config.params ?? {}, options);
    recommender.#setTokenizer(await loadTokenizer(tokenizerPath));
    const model = buildModel(config, recommender.params.architecture!, new Random(0));
    loadParameters(model, checkpoint, { source: path });
    model.eval();
    recommender.#model = model;
    return recommender;
  }

  #setTokenizer(tokenizer: SemanticTokenizer): void {
    this.#tokenizer = tokenizer;
    const depth = tokenizer.depth;
    this.#itemTokens = new Int32Array(tokenizer.itemCount * depth); // [numItems, depth]
    for (let item = 0; item < tokenizer.itemCount; item++)
      this.#itemTokens.set(tokenizer.tokens(item), item * depth);
  }

  async #itemVectors(
    data: TrainingData,
    p: Record<string, number>,
    context: FitContext,
  ): Promise<ItemVectors> {
    const kind = VECTOR_KINDS[p.vectorKind!];
    if (kind === undefined)
      throw new RangeError(
        `generative: vectorKind must be 0..${VECTOR_KINDS.length - 1}, got ${p.vectorKind}`,
      );
    const collaborative = (): ItemVectors =>
      collaborativeVectors(data.sequences, data.numItems, { dim: p.vectorDim!, seed: p.tokenizerSeed! });
    if (kind === 'collaborative') return collaborative();
    if (kind === 'sequential') return sequentialVectors(data, p, context);
    const option = this.options.content;
    const content = typeof option === 'function' ? option() : option;
    if (content === undefined)
      throw new InvalidInputError(`generative: vectorKind ${kind} needs content vectors (options.content)`);
    if (content.count !== data.numItems)
      throw new InvalidInputError(`generative: ${content.count} content vectors for ${data.numItems} items`);
    return kind === 'content' ? content : combineItemVectors(content, collaborative());
  }
}

/**
 * Item vectors from a sequential model: the (L2-normalised) item embeddings of
 * a SASRec fitted for `sequentialEpochs` on the same fit sequences, so items
 * that SASRec finds interchangeable as a next item share code prefixes.
 */
export async function sequentialVectors(
  data: TrainingData,
  p: Record<string, number>,
  context: FitContext,
): Promise<ItemVectors> {
  const epochs = p.sequentialEpochs!;
  const sasrec = new SasRecRecommender({ dim: p.vectorDim!, epochs, decayEpochs: epochs });
  const { validation: _, ...withoutValidation } = context;
  await sasrec.fit(data, { ...withoutValidation, random: context.random.fork() });
  const dim = p.vectorDim!;
  const vectors = sasrec.model.items.weight.data.slice(0, data.numItems * dim); // drop the padding row
  for (let item = 0; item < data.numItems; item++) {
    const row = vectors.subarray(item * dim, (item + 1) * dim);
    const norm = Math.hypot(...row) || 1;
    for (let i = 0; i < dim; i++) row[i]! /= norm;
  }
  return { vectors, count: data.numItems, dim };
}

function buildModel(config: EncoderDecoderConfig, architecture: number, random: Random): GenerativeModel {
  const name = ARCHITECTURE_NAMES[architecture];
  if (name === undefined)
    throw new RangeError(
      `generative: architecture must be 0..${ARCHITECTURE_NAMES.length - 1}, got ${architecture}`,
    );
  return ARCHITECTURES[name](config, random);
}

function configFrom(p: Record<string, number>, tokenizer: SemanticTokenizer): EncoderDecoderConfig {
  const { vocabulary, depth } = tokenizer;
  const config: EncoderDecoderConfig = {
    vocabularySize: vocabulary.size,
    levelOffsets: [...Array.from({ length: depth }, (_, level) => vocabulary.offset(level)), vocabulary.size],
    dim: p.dim!,
    layers: p.layers!,
    decoderLayers: p.decoderLayers!,
    heads: p.heads!,
    maxItems: p.maxItems!,
    dropout: p.dropout!,
  };
  if (p.ffnDim! > 0) config.ffnDim = p.ffnDim!;
  if (p.itemEmbedding! > 0) config.itemInputs = tokenizer.itemCount;
  if (p.itemLoss! > 0) config.itemLoss = p.itemLoss!;
  return config;
}

export const generativeSpec = {
  name: 'generative',
  description:
    'Generative retrieval (TIGER / OneRec-V2 lazy decoder): RQ-Kmeans semantic IDs of the items, a causal transformer over the history token stream, trie-constrained beam search; epochs chosen by early stopping on validation Recall@10',
  defaults: {
    /** 0: lazy decoder-only (OneRec-V2), 1: encoder-decoder (TIGER / OneRec v1). */
    architecture: 0,
    /** 128 / 4 heads measured better than 64 / 2 on Beauty (docs/generative.md). */
    dim: 128,
    /** Transformer blocks (the encoder's, for the encoder-decoder). */
    layers: 2,
    /** Decoder blocks of the encoder-decoder. */
    decoderLayers: 2,
    heads: 4,
    /** 0: 4 * dim. */
    ffnDim: 0,
    /** 1: the lazy decoder also reads each history item's id embedding at the item's last token slot. */
    itemEmbedding: 0,
    /** Weight of the auxiliary next-item softmax at item boundaries (needs itemEmbedding; 0: off). */
    itemLoss: 0,
    dropout: 0.2,
    lr: 3e-3,
    weightDecay: 0,
    batchSize: 128,
    /** Items of history read (the token stream is (levels + 1) times longer). */
    maxItems: 50,
    /** The most epochs a validation fit may run; a refit runs exactly this many. */
    epochs: 12,
    patience: 3,
    evaluateEvery: 1,
    /** Epochs the cosine decay spans; 0: `epochs`. 12 measured best on Beauty (docs/generative.md). */
    decayEpochs: 12,
    /** Validation users ranked per evaluation during training (a fixed random sample); 0: all. */
    validationUsers: 2000,
    /** Beams kept at every step of generation (at least the list length asked for). */
    beamWidth: 20,
    /** Semantic-ID code levels L and codes per level K. */
    levels: 3,
    codebookSize: 256,
    /** Index into VECTOR_KINDS: 0 collaborative, 1 combined (needs content), 2 content, 3 sequential (SASRec item embeddings). */
    vectorKind: 0,
    /** Dimension of the collaborative item vectors. */
    vectorDim: 64,
    /** Epochs of the SASRec whose item embeddings are the vectors of vectorKind 3. */
    sequentialEpochs: 10,
    tokenizerSeed: 0,
  },
  search: {},
  create: (params: Params) => new GenerativeRecommender(params),
} satisfies RecommenderSpec;

/**
 * The generative spec bound to a data set's item metadata, for vectorKind 1
 * and 2: the content vectors (`contentVectors` over the interaction table's
 * items) are built on the first fit that needs them and shared by every fit.
 */
export function generativeSpecOf(dataset: Dataset): RecommenderSpec {
  let content: ItemVectors | undefined;
  const lazyContent = (): ItemVectors => {
    content ??= contentVectors(dataset.interactions.items.ids(), dataset.items);
    return content;
  };
  return {
    ...generativeSpec,
    create: (params: Params) => new GenerativeRecommender(params, { content: lazyContent }),
  };
}
