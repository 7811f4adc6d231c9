import { InvalidInputError, Random } from '../core/index.js';
import type { Dataset } from '../data/index.js';
import {
  type EvalPhase,
  evaluatePhase,
  type FitContext,
  type FitResult,
  type ModelReport,
  parseParams,
  type Recommender,
  type RecommenderSpec,
  type ReportContext,
  type TrainingData,
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
import { type BeamSearchResult, beamSearch, pathLogProbs, type StepDecoder } from './beam-search.js';
import { EncoderDecoder, type EncoderDecoderConfig } from './encoder-decoder.js';
import {
  type GenerativeParams,
  type GenerativeParamsInput,
  generativeParamsSchema,
  idModelParams,
  withCategoricalNames,
} from './generative-params.js';
import { fitIdModel, type IdModel, type IdModelName, loadIdModel } from './id-model.js';
import { LazyDecoder, type LazyDecoderConfig } from './lazy-decoder.js';
import type { LogitsProcessor } from './logits-processor.js';
import { generativeReport } from './model-report.js';
import { nearestRows } from './nearest-rows.js';
import { type NeuralFitOptions, neuralFitResult, neuralTrainerOptions } from './neural-fit.js';
import { samplePhase } from './phase-validation.js';
import { ExcludeItemsProcessor, PrefixConstraintProcessor } from './prefix-constraint.js';
import { SasRecRecommender } from './sasrec-spec.js';
import { FIRST_ITEM_TOKEN } from './semantic-sequences.js';
import { sampleSequence } from './token-sampler.js';

/** A model the recommender can train and decode: the lazy decoder or the encoder-decoder. */
export type GenerativeModel = Module & {
  /** Each architecture's own config (only the lazy decoder has item-id inputs). */
  readonly config: LazyDecoderConfig | EncoderDecoderConfig;
  sequenceLoss(sequences: readonly Int32Array[], itemTokens: Int32Array, random: Random): Tensor;
  decoder(history: Int32Array, itemTokens: Int32Array): StepDecoder;
};

/** One value of the `architecture` param: its own config from the params, or a saved config rebuilt. */
export interface GenerativeArchitecture {
  create(p: GenerativeParams, tokenizer: SemanticTokenizer, random: Random): GenerativeModel;
  restore(config: object, random: Random): GenerativeModel;
  /** The shortest sequence that trains it. */
  shortestSequence: number;
}

export const ARCHITECTURES: Record<GenerativeParams['architecture'], GenerativeArchitecture> = {
  'lazy-decoder': {
    create: (p, tokenizer, random) =>
      new LazyDecoder(
        {
          ...vocabularyOf(tokenizer),
          dim: p.dim,
          layers: p.layers,
          heads: p.heads,
          maxItems: p.maxItems,
          dropout: p.dropout,
          ...(p.ffnDim > 0 && { ffnDim: p.ffnDim }),
          ...(p.itemEmbedding > 0 && { itemInputs: tokenizer.itemCount }),
          ...(p.itemLoss > 0 && {
            itemLoss: p.itemLoss,
            ...(p.headNegatives > 0 && { headNegatives: p.headNegatives }),
            ...(p.itemEmbedding === 0 && { headItems: tokenizer.itemCount }),
          }),
        },
        random,
      ),
    restore: (config, random) => new LazyDecoder(config as LazyDecoderConfig, random),
    // It also learns each first item, from BOS.
    shortestSequence: 1,
  },
  'encoder-decoder': {
    create: (p, tokenizer, random) =>
      new EncoderDecoder(
        {
          ...vocabularyOf(tokenizer),
          dim: p.dim,
          layers: p.layers,
          decoderLayers: p.decoderLayers,
          heads: p.heads,
          maxItems: p.maxItems,
          dropout: p.dropout,
          ...(p.ffnDim > 0 && { ffnDim: p.ffnDim }),
        },
        random,
      ),
    restore: (config, random) => new EncoderDecoder(config as EncoderDecoderConfig, random),
    // The encoder needs a history item.
    shortestSequence: 2,
  },
};

/** The token vocabulary a model's config takes from the tokenizer. */
function vocabularyOf(tokenizer: SemanticTokenizer): { vocabularySize: number; levelOffsets: number[] } {
  const { vocabulary, depth } = tokenizer;
  return {
    vocabularySize: vocabulary.size,
    levelOffsets: [...Array.from({ length: depth }, (_, level) => vocabulary.offset(level)), vocabulary.size],
  };
}

export interface GenerativeRecommenderOptions extends NeuralFitOptions {
  /**
   * Content vectors of the items (row i = item i, e.g. `contentVectors` of the
   * dataset's metadata): needed for vectorKind `combined` and `content`.
   * A function is called only when one of those kinds is fitted.
   */
  content?: ItemVectors | (() => ItemVectors);
}

export interface GenerativeSaveOptions {
  /** Where the tokenizer goes. Default: the model's path + '.tokenizer'. */
  tokenizerPath?: string;
  /** The dataset's id of each item, stored in the tokenizer checkpoint. */
  itemIds?: readonly string[];
  /** Where the ID model goes, if there is one (`idModel`). Default: the model's path + '.id-model'. */
  idModelPath?: string;
  /** Where the second ID model goes, if there is one (`secondIdModel`). Default: the model's path + '.second-id-model'. */
  secondIdModelPath?: string;
}

/**
 * A generated list: items best first, scores = sum of token log-probabilities
 * (with a next-item head: the mix of that and the head's log-probability).
 */
export interface Generated {
  /** -1 for a path that names no item (possible only unconstrained). */
  items: Int32Array;
  scores: Float32Array;
  /** [items, depth] the semantic-ID tokens generated for each item. */
  tokens: Int32Array;
}

export interface GenerateOptions {
  /** Items wanted, best first. */
  k: number;
  /** Items never generated (default: the history). */
  exclude?: ArrayLike<number>;
  /** Beams kept at every step, at least `k` (default: the `beamWidth` param). */
  beamWidth?: number;
  /** Draw the item token by token at this temperature instead of beam search (ECPO's sampler; k = 1). */
  sample?: { temperature: number; random: Random };
  /**
   * false: neither the trie nor any exclusion masks the logits, so a sampled
   * path may name no item or a seen one (ECPO's format reward). Default true.
   */
  constrained?: boolean;
  /** With a next-item head: the head's weight in the candidates' scores (default: the model's `headMix`). */
  headMix?: number;
  /** With a second ID model: its weight in the ID score (default: the model's `secondMix`). */
  secondMix?: number;
}

/**
 * The candidates of one request for a model with a next-item head: the beam's
 * items then the head's top items not already there, each with both scores.
 */
interface CandidatePool {
  items: Int32Array;
  /** Sum of the item's token log-probabilities (beam score or teacher-forced). */
  paths: Float32Array;
  /** The head's log-softmax of the item over the catalogue. */
  heads: Float32Array;
  /** The second ID model's log-softmax of the item (0 without one). */
  seconds: Float32Array;
  /** [items, depth] semantic-ID tokens. */
  tokens: Int32Array;
}

/** Where `addItem` put a cold-start item. */
export interface PlacedItem {
  item: number;
  /** levels + 1 codes. */
  semanticId: Int32Array;
  /** Its codes land on a path trained items already use (its disambiguation index is above 0). */
  collided: boolean;
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
  readonly params: GenerativeParams;
  readonly options: GenerativeRecommenderOptions;
  training: TrainingResult | undefined;
  #model: GenerativeModel | undefined;
  #tokenizer: SemanticTokenizer | undefined;
  /** [items, depth] the decoder's tokens of every item, grown by `addItem`. */
  #itemTokens: Int32Array = new Int32Array(0);
  /** Items never generated (`withhold`), and the processor masking them, rebuilt when the trie grows. */
  #withheld: ReadonlySet<number> = new Set();
  #withheldMask: ExcludeItemsProcessor | undefined;
  #reconstructions: Float32Array | undefined;
  /** The item vectors the tokenizer was fitted on (for its report; not saved). */
  #vectors: ItemVectors | undefined;
  /** Weight of the head's log-probability in a candidate's score (the param, or chosen by `fit`). */
  #headMix: number;
  /** With `idModel`: the ID model whose log-scores are the head. */
  #idModel: IdModel | undefined;
  /** With `secondIdModel`: the second ID model, and its weight in the ID score (the param, or chosen by `fit`). */
  #secondIdModel: IdModel | undefined;
  #secondMix: number;
  /** [covered] the ID models' log-scores of the request being ranked (requests are synchronous). */
  #idScores: Float32Array = new Float32Array(0);
  #secondScores: Float32Array = new Float32Array(0);

  constructor(params: GenerativeParamsInput = {}, options: GenerativeRecommenderOptions = {}) {
    this.params = parseParams(generativeSpec, params, { ignoreUnknown: true });
    const { idModel, secondIdModel } = this.params;
    if (secondIdModel !== 'none' && (idModel === 'none' || idModel === secondIdModel))
      throw new InvalidInputError(
        `Invalid generative params: field "secondIdModel": ${secondIdModel} needs a different idModel beside it, got ${idModel}`,
      );
    this.options = options;
    this.#headMix = this.params.headMix;
    this.#secondMix = this.params.secondMix;
  }

  /** The head's weight in the candidates' scores (0 with no head and no ID model). */
  get headMix(): number {
    return this.#hasHead() ? this.#headMix : 0;
  }

  /** The second ID model's weight in the ID score (0 without one). */
  get secondMix(): number {
    return this.#secondIdModel === undefined ? 0 : this.#secondMix;
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
    const p = this.params;
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
      `generative: tokenizer (${p.vectorKind}, ${p.levels} x ${p.codebookSize}) fitted in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const architecture = ARCHITECTURES[p.architecture];
    const model = architecture.create(p, this.tokenizer, random.fork());
    this.#model = model;
    // The ID model first: early stopping below ranks with it.
    this.#idModel = p.idModel === 'none' ? undefined : await this.#fitIdModel(p.idModel, data, context);
    this.#secondIdModel =
      p.secondIdModel === 'none' ? undefined : await this.#fitIdModel(p.secondIdModel, data, context);
    const sequences = data.sequences.filter((sequence) => sequence.length >= architecture.shortestSequence);
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
    const fitted = neuralFitResult('generative', p, result, context);
    if (fitted === undefined || context.validation === undefined || !this.#hasHead() || p.headMixSteps === 0)
      return fitted;
    this.chooseHeadMix(context.validation, data.numItems, { ...context, random: random.fork() });
    const second = this.#secondIdModel === undefined ? {} : { secondMix: this.#secondMix };
    return { chosen: { ...fitted.chosen, headMix: this.#headMix, ...second } };
  }

  /**
   * Sets the head's weight to the one with the best NDCG@10 on `phase` among
   * i / headMixSteps (with a second ID model, jointly with its weight on the
   * same grid), on a fixed sample of the phase's users (each user's candidates
   * and all scores are computed once and re-ranked for every weight), and
   * returns it. `fit` calls it after a validation fit; a fit of a fixed number
   * of epochs (the demo's) calls it with held-out plays of its own. Without a
   * head (no ID model, no own head) or with headMixSteps 0 the weights stay.
   */
  chooseHeadMix(phase: EvalPhase, numItems: number, context: Pick<FitContext, 'logger' | 'random'>): number {
    if (!this.#hasHead() || this.params.headMixSteps === 0) return this.headMix;
    const p = this.params;
    const steps = p.headMixSteps;
    const random = context.random;
    const started = performance.now();
    const sampled = p.headMixUsers > 0 ? samplePhase(phase, p.headMixUsers, random) : phase;
    const pools = new Map<number, CandidatePool>();
    let best = { mix: this.#headMix, secondMix: this.#secondMix, ndcg: Number.NEGATIVE_INFINITY };
    const lines: string[] = [];
    const secondSteps = this.#secondIdModel === undefined ? 0 : steps;
    for (let j = 0; j <= secondSteps; j++) {
      const secondMix = this.#secondIdModel === undefined ? 0 : j / steps;
      const row: string[] = [];
      // headMix 0 ranks by the path alone, whatever secondMix: ranked once, in the first row.
      for (let i = j === 0 ? 0 : 1; i <= steps; i++) {
        const mix = i / steps;
        const ranker: Recommender = {
          fit: () => undefined,
          score: () => {
            throw new Error('generative: headMix ranks generated lists only');
          },
          recommend: (user, history, k, exclude) => {
            let pool = pools.get(user);
            if (pool === undefined) {
              pool = this.#pool(history, exclude, Math.max(k, p.beamWidth));
              pools.set(user, pool);
            }
            return rankPool(pool, mix, k, this.tokenizer.depth, secondMix);
          },
        };
        const { metrics } = evaluatePhase(ranker, sampled, numItems, { ks: [10] });
        const ndcg = metrics['ndcg@10'] ?? 0;
        row.push(`${mix.toFixed(2)}: R@10 ${(metrics['recall@10'] ?? 0).toFixed(4)} N@10 ${ndcg.toFixed(4)}`);
        if (ndcg > best.ndcg) best = { mix, secondMix, ndcg };
      }
      lines.push(
        this.#secondIdModel === undefined
          ? row.join('; ')
          : `second ${secondMix.toFixed(2)}: ${row.join('; ')}`,
      );
    }
    const second = this.#secondIdModel === undefined ? '' : `, second ID model mix ${best.secondMix}`;
    context.logger.info(
      `generative: head mix ${best.mix}${second} chosen on ${pools.size} validation users in ${((performance.now() - started) / 1000).toFixed(1)} s (${lines.join(' | ')})`,
    );
    this.#headMix = best.mix;
    this.#secondMix = best.secondMix;
    return best.mix;
  }

  /**
   * The top `k` items by trie-constrained beam search (beam width
   * max(k, beamWidth)), none of them in `exclude`.
   */
  recommend(_user: number, history: Int32Array, k: number, exclude: Int32Array): Generated {
    return this.generate(history, { k, exclude });
  }

  /**
   * The next items after `history`: the one generation path of evaluation,
   * serving and alignment. Beam search by default, best first; with `sample`
   * one item drawn token by token. Constrained (the default), the trie admits
   * only real items and every excluded or withheld item's subtree is masked.
   */
  generate(history: Int32Array, options: GenerateOptions): Generated {
    const { k, sample, constrained = true } = options;
    if (!(Number.isInteger(k) && k >= 1))
      throw new RangeError(`generate: k must be a positive integer, got ${k}`);
    if (sample !== undefined && k !== 1)
      throw new RangeError(`generate: sampling draws one item, so k must be 1, got ${k}`);
    const tokenizer = this.tokenizer;
    const { vocabulary, depth } = tokenizer;
    const beamWidth = Math.max(k, options.beamWidth ?? this.params.beamWidth!);
    if (sample === undefined && constrained && this.#hasHead()) {
      const mix = options.headMix ?? this.#headMix;
      const pool = this.#pool(history, options.exclude ?? history, beamWidth, mix);
      const secondMix = this.#secondIdModel === undefined ? 0 : (options.secondMix ?? this.#secondMix);
      return rankPool(pool, mix, k, depth, secondMix);
    }
    const processors = constrained ? this.#constraints(options.exclude ?? history) : [];
    const decoder = this.model.decoder(this.#modelInput(history), this.#itemTokens);
    const found =
      sample === undefined
        ? beamSearch(decoder, {
            beamWidth,
            steps: depth,
            processors,
          })
        : sampleSequence(decoder, { steps: depth, processors, ...sample });
    decoder.release?.();
    const count = Math.min(k, found.scores.length);
    const items = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const id = vocabulary.semanticId(found.tokens.subarray(i * depth, (i + 1) * depth));
      items[i] = tokenizer.itemOf(id) ?? -1;
    }
    return { items, scores: found.scores.slice(0, count), tokens: found.tokens.slice(0, count * depth) };
  }

  /**
   * OneRec's session-wise generation (arXiv 2502.18965): a list of `n` distinct
   * items generated one after another, each conditioned on the history plus the
   * items generated before it and excluded from what follows.
   */
  generateSession(history: Int32Array, n: number, exclude: ArrayLike<number> = history): Generated {
    const depth = this.tokenizer.depth;
    const items = new Int32Array(n);
    const scores = new Float32Array(n);
    const tokens = new Int32Array(n * depth);
    const excluded = Array.from(exclude);
    let context = history;
    let produced = 0;
    for (; produced < n; produced++) {
      const next = this.generate(context, { k: 1, exclude: excluded });
      if (next.items.length === 0) break;
      items[produced] = next.items[0]!;
      scores[produced] = next.scores[0]!;
      tokens.set(next.tokens, produced * depth);
      excluded.push(next.items[0]!);
      const extended = new Int32Array(context.length + 1);
      extended.set(context);
      extended[context.length] = next.items[0]!;
      context = extended;
    }
    return {
      items: items.slice(0, produced),
      scores: scores.slice(0, produced),
      tokens: tokens.slice(0, produced * depth),
    };
  }

  /**
   * Items never generated whatever the request (a server's catalogue lacks
   * them); replaces the previous set. The model is then one catalogue's: give
   * each serving pipeline its own loaded copy.
   */
  withhold(items: Iterable<number>): void {
    this.#withheld = new Set(items);
    this.#withheldMask = undefined;
  }

  /**
   * Cold start (serving): places a new item, index `itemCount`, through the
   * model's own codebooks without retraining. Its vector in the codebook space
   * is the similarity-weighted mean of the reconstructions (sum of the chosen
   * centroids) of `neighbours`, trained items like it (by content, say); the
   * tokenizer takes the nearest centroid per level and the next free
   * disambiguation index of that path, extending the trie, and the decoder's
   * item tokens grow with it. This works whatever vectors the codebooks were
   * fitted on, since the mapping goes through trained items. An item whose
   * codes land on a used path (`collided`) is told apart by its disambiguation
   * index alone, which the decoder may rarely have been trained to emit there.
   * Throws ConflictError when the path is full.
   */
  addItem(neighbours: ReadonlyArray<{ item: number; similarity: number }>): PlacedItem {
    if (neighbours.length === 0) throw new RangeError('addItem: needs at least one neighbour');
    const tokenizer = this.tokenizer;
    const { levels, dim, depth } = tokenizer;
    const vector = new Float32Array(dim);
    let total = 0;
    for (const { item, similarity } of neighbours) {
      const reconstruction = tokenizer.decode(tokenizer.semanticId(item).subarray(0, levels));
      for (let j = 0; j < dim; j++) vector[j]! += similarity * reconstruction[j]!;
      total += similarity;
    }
    for (let j = 0; j < dim; j++) vector[j]! /= total;
    const { item, semanticId } = tokenizer.assign(vector);
    if ((item + 1) * depth > this.#itemTokens.length) {
      const grown = new Int32Array(Math.max(this.#itemTokens.length * 2, (item + 1) * depth));
      grown.set(this.#itemTokens);
      this.#itemTokens = grown;
    }
    this.#itemTokens.set(tokenizer.tokens(item), item * depth);
    // The mask's subtree counts and the similarity vectors are stale once the trie grows.
    this.#withheldMask = undefined;
    this.#reconstructions = undefined;
    return { item, semanticId, collided: semanticId[levels]! > 0 };
  }

  /**
   * The `n` items nearest to `item` by the cosine of their codebook-space
   * reconstructions (items sharing code prefixes first), withheld ones left out.
   */
  similarItems(item: number, n: number): { items: Int32Array; scores: Float32Array } {
    const { dim } = this.tokenizer;
    const found = nearestRows(this.#reconstructionVectors(), dim, item, n + this.#withheld.size)
      .filter(({ row }) => !this.#withheld.has(row))
      .slice(0, n);
    return {
      items: Int32Array.from(found, ({ row }) => row),
      scores: Float32Array.from(found, ({ score }) => score),
    };
  }

  /** Full-catalogue interface: generated items get their beam score, the rest -Infinity. */
  score(_user: number, history: Int32Array, scores: Float32Array): void {
    scores.fill(Number.NEGATIVE_INFINITY);
    const { items, scores: values } = this.generate(history, {
      k: this.params.beamWidth!,
      exclude: new Int32Array(0),
    });
    items.forEach((item, i) => {
      scores[item] = values[i]!;
    });
  }

  /** Tokenizer statistics and beam-search latency for the evaluation report (model-report.ts). */
  report(phase: EvalPhase, context: ReportContext): ModelReport {
    return generativeReport(
      (history, k, exclude, beamWidth) => this.generate(history, { k, exclude, beamWidth }),
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
    if (this.#idModel !== undefined) await this.#idModel.save(options.idModelPath ?? `${path}.id-model`);
    if (this.#secondIdModel !== undefined)
      await this.#secondIdModel.save(options.secondIdModelPath ?? `${path}.second-id-model`);
    await saveCheckpoint(path, this.model.namedParameters(), {
      // The mixes as chosen on validation, if they were.
      config: {
        model: 'generative',
        ...this.model.config,
        params: { ...this.params, headMix: this.#headMix, secondMix: this.#secondMix },
      },
    });
  }

  /** Reads what `save` wrote; the ID models too when the params name them. */
  static async load(
    path: string,
    options: GenerativeRecommenderOptions = {},
    tokenizerPath = `${path}.tokenizer`,
    idModelPath = `${path}.id-model`,
    secondIdModelPath = `${path}.second-id-model`,
  ): Promise<GenerativeRecommender> {
    const checkpoint = await loadCheckpoint(path);
    const saved = checkpoint.config as { model?: string; params?: Record<string, unknown> } | null;
    if (saved?.model !== 'generative')
      throw new InvalidInputError(`Cannot load ${path}: not a generative checkpoint`);
    const { model: _, params = {}, ...config } = saved;
    const recommender = new GenerativeRecommender(withCategoricalNames(params), options);
    recommender.#setTokenizer(await loadTokenizer(tokenizerPath));
    const model = ARCHITECTURES[recommender.params.architecture].restore(config, new Random(0));
    loadParameters(model, checkpoint, { source: path });
    model.eval();
    recommender.#model = model;
    const { idModel, secondIdModel } = recommender.params;
    if (idModel !== 'none') recommender.#idModel = await recommender.#loadIdModel(idModel, idModelPath);
    if (secondIdModel !== 'none')
      recommender.#secondIdModel = await recommender.#loadIdModel(secondIdModel, secondIdModelPath);
    return recommender;
  }

  async #loadIdModel(name: Exclude<IdModelName, 'none'>, path: string): Promise<IdModel> {
    const idModel = await loadIdModel(name, path);
    if (idModel.covered > this.tokenizer.itemCount)
      throw new InvalidInputError(
        `Cannot load ${path}: its ${idModel.covered} items are more than the tokenizer's ${this.tokenizer.itemCount}`,
      );
    return idModel;
  }

  #setTokenizer(tokenizer: SemanticTokenizer): void {
    this.#tokenizer = tokenizer;
    const depth = tokenizer.depth;
    this.#itemTokens = new Int32Array(tokenizer.itemCount * depth); // [numItems, depth]
    for (let item = 0; item < tokenizer.itemCount; item++)
      this.#itemTokens.set(tokenizer.tokens(item), item * depth);
    this.#withheldMask = undefined;
    this.#reconstructions = undefined;
  }

  /** Whether candidates get a head score: from the ID model, or the decoder's own head. */
  #hasHead(): boolean {
    if (this.#idModel !== undefined) return true;
    const config = this.model.config;
    return 'itemLoss' in config && (config.itemLoss ?? 0) > 0;
  }

  /**
   * The head's logits over the items it covers: the ID model's log-scores (in
   * an array of the recommender's, rewritten by the next request), or the
   * decoder's head (after `begin`).
   */
  #headLogits(history: Int32Array, decoder: StepDecoder): Float32Array {
    const idModel = this.#idModel;
    if (idModel === undefined) return decoder.itemLogits!();
    this.#idScores = logScoresInto(idModel, history, this.#idScores);
    return this.#idScores;
  }

  async #fitIdModel(
    name: Exclude<IdModelName, 'none'>,
    data: TrainingData,
    context: FitContext,
  ): Promise<IdModel> {
    const started = performance.now();
    const idModel = await fitIdModel(name, idModelParams(this.params, name), data, context);
    context.logger.info(
      `generative: ID model ${name} fitted in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    return idModel;
  }

  /**
   * The candidates of a constrained request: the trie-constrained beam's items
   * (width `beamWidth`, their beam scores as path scores) plus the head's
   * `idCandidates` (default and at mix 1 `beamWidth`) best items outside `exclude` and the withheld set
   * (and as many of the second ID model's, if there is one), whose path
   * log-probabilities come from one teacher-forced pass. Items the head does
   * not cover (cold ones) get its lowest log-probability. For a ranking by
   * `mix` 0 or 1 alone, the side that cannot change it is skipped (mix 0: the
   * beam only; mix 1: the head only, path scores left 0, cold items out).
   */
  #pool(history: Int32Array, exclude: ArrayLike<number>, beamWidth: number, mix?: number): CandidatePool {
    const tokenizer = this.tokenizer;
    const { vocabulary, depth } = tokenizer;
    const input = this.#modelInput(history);
    const decoder = this.model.decoder(input, this.#itemTokens);
    let found: BeamSearchResult = { scores: new Float32Array(0), tokens: new Int32Array(0) };
    if (mix !== 1)
      found = beamSearch(decoder, { beamWidth, steps: depth, processors: this.#constraints(exclude) });
    else if (this.#idModel === undefined) decoder.begin(); // the head's logits only
    const logits = this.#headLogits(history, decoder); // [headItems]
    const headOf = logSoftmaxOf(logits);
    const second = this.#secondIdModel;
    if (second !== undefined) this.#secondScores = logScoresInto(second, history, this.#secondScores);
    const secondOf = second === undefined ? () => 0 : logSoftmaxOf(this.#secondScores);

    const items: number[] = [];
    const paths: number[] = [];
    const taken = new Set<number>();
    for (let i = 0; i < found.scores.length; i++) {
      const item = tokenizer.itemOf(vocabulary.semanticId(found.tokens.subarray(i * depth, (i + 1) * depth)));
      if (item === undefined) continue;
      items.push(item);
      paths.push(found.scores[i]!);
      taken.add(item);
    }
    const blocked = new Set<number>(Array.from(exclude));
    for (const item of this.#withheld) blocked.add(item);
    // Alone (mix 1) the head fills the whole list.
    const count = mix !== 1 && this.params.idCandidates > 0 ? this.params.idCandidates : beamWidth;
    const skip = (item: number): boolean => taken.has(item) || blocked.has(item);
    const extra = mix === 0 ? [] : topItems(logits, count, skip);
    if (second !== undefined && mix !== 0) {
      for (const item of extra) taken.add(item);
      extra.push(...topItems(this.#secondScores, count, skip));
    }
    const extraTokens = new Int32Array(extra.length * depth);
    extra.forEach((item, i) => {
      extraTokens.set(this.#itemTokens.subarray(item * depth, (item + 1) * depth), i * depth);
    });
    let extraPaths: Float32Array = new Float32Array(extra.length);
    if (mix !== 1) {
      const forced = decoder.fork?.() ?? this.model.decoder(input, this.#itemTokens);
      extraPaths = pathLogProbs(forced, extraTokens, depth);
      forced.release?.();
    }
    for (const [i, item] of extra.entries()) {
      items.push(item);
      paths.push(extraPaths[i]!);
    }
    const tokens = new Int32Array(items.length * depth);
    items.forEach((item, i) => {
      tokens.set(this.#itemTokens.subarray(item * depth, (item + 1) * depth), i * depth);
    });
    const pool = {
      items: Int32Array.from(items),
      paths: Float32Array.from(paths),
      heads: Float32Array.from(items, headOf),
      seconds: Float32Array.from(items, secondOf),
      tokens,
    };
    decoder.release?.();
    return pool;
  }

  /** The logits processors of a constrained generation: the trie, the withheld items, `exclude`. */
  #constraints(exclude: ArrayLike<number>): LogitsProcessor[] {
    const tokenizer = this.tokenizer;
    const processors: LogitsProcessor[] = [
      new PrefixConstraintProcessor(tokenizer.trie, tokenizer.vocabulary),
    ];
    if (this.#withheld.size > 0) {
      this.#withheldMask ??= new ExcludeItemsProcessor(tokenizer, this.#withheld);
      processors.push(this.#withheldMask);
    }
    if (exclude.length > 0) processors.push(new ExcludeItemsProcessor(tokenizer, Array.from(exclude)));
    return processors;
  }

  /** The history as the decoder reads it: an item-id embedding covers trained items only, so cold ones are left out. */
  #modelInput(history: Int32Array): Int32Array {
    const covered = itemInputsOf(this.model);
    return covered > 0 ? history.filter((item) => item < covered) : history;
  }

  /** [items, dim] the L2-normalised reconstruction of every item's codes; built on the first `similarItems`. */
  #reconstructionVectors(): Float32Array {
    if (this.#reconstructions === undefined) {
      const tokenizer = this.tokenizer;
      const { dim, levels } = tokenizer;
      const vectors = new Float32Array(tokenizer.itemCount * dim);
      for (let item = 0; item < tokenizer.itemCount; item++) {
        const row = tokenizer.decode(tokenizer.semanticId(item).subarray(0, levels));
        let norm = 0;
        for (let j = 0; j < dim; j++) norm += row[j]! * row[j]!;
        const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
        for (let j = 0; j < dim; j++) vectors[item * dim + j] = row[j]! * scale;
      }
      this.#reconstructions = vectors;
    }
    return this.#reconstructions;
  }

  async #itemVectors(data: TrainingData, p: GenerativeParams, context: FitContext): Promise<ItemVectors> {
    const kind = p.vectorKind;
    const collaborative = (): ItemVectors =>
      collaborativeVectors(data.sequences, data.numItems, { dim: p.vectorDim, seed: p.tokenizerSeed });
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
 * The `k` best of a pool by (1 - mix) * path + mix * ((1 - secondMix) * head +
 * secondMix * second), ties to the earlier candidate.
 */
function rankPool(pool: CandidatePool, mix: number, k: number, depth: number, secondMix: number): Generated {
  const scores = pool.paths.map(
    (path, i) => (1 - mix) * path + mix * ((1 - secondMix) * pool.heads[i]! + secondMix * pool.seconds[i]!),
  );
  const order = Array.from(scores.keys())
    .sort((a, b) => scores[b]! - scores[a]! || a - b)
    .slice(0, k);
  const tokens = new Int32Array(order.length * depth);
  order.forEach((at, i) => {
    tokens.set(pool.tokens.subarray(at * depth, (at + 1) * depth), i * depth);
  });
  return {
    items: Int32Array.from(order, (at) => pool.items[at]!),
    scores: Float32Array.from(order, (at) => scores[at]!),
    tokens,
  };
}

/** `idModel`'s log-scores after `history`, written into `buffer` (a new one when its size differs), which is returned. */
function logScoresInto(idModel: IdModel, history: Int32Array, buffer: Float32Array): Float32Array {
  const scores = buffer.length === idModel.covered ? buffer : new Float32Array(idModel.covered);
  idModel.logScores(history, scores);
  return scores;
}

/**
 * item -> the log-softmax of `logits` at item; items past its end (cold ones)
 * get its lowest value.
 */
function logSoftmaxOf(logits: Float32Array): (item: number) => number {
  // Index loops: a for-of over a typed array boxed every value here (~750 KB of garbage per request on Beauty).
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  let sum = 0;
  let lowest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) {
    const value = logits[i]!;
    sum += Math.exp(value - max);
    if (value < lowest) lowest = value;
  }
  const shift = max + Math.log(sum);
  return (item) => (item < logits.length ? logits[item]! : lowest) - shift;
}

/** Indices of the `n` largest values (largest first), skipping those `skip` rejects. */
function topItems(values: Float32Array, n: number, skip: (index: number) => boolean): number[] {
  const top: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (top.length === n && value <= values[top[n - 1]!]!) continue;
    if (skip(i)) continue;
    let at = top.length < n ? top.length : n - 1;
    if (top.length < n) top.push(i);
    while (at > 0 && values[top[at - 1]!]! < value) {
      top[at] = top[at - 1]!;
      at--;
    }
    top[at] = i;
  }
  return top;
}

/**
 * Item vectors from a sequential model: the (L2-normalised) item embeddings of
 * a SASRec fitted for `sequentialEpochs` on the same fit sequences, so items
 * that SASRec finds interchangeable as a next item share code prefixes.
 */
export async function sequentialVectors(
  data: TrainingData,
  p: Pick<GenerativeParams, 'vectorDim' | 'sequentialEpochs'>,
  context: FitContext,
): Promise<ItemVectors> {
  const epochs = p.sequentialEpochs;
  const sasrec = new SasRecRecommender({ dim: p.vectorDim, epochs, decayEpochs: epochs });
  const { validation: _, ...withoutValidation } = context;
  await sasrec.fit(data, { ...withoutValidation, random: context.random.fork() });
  const dim = p.vectorDim;
  const vectors = sasrec.model.items.weight.data.slice(0, data.numItems * dim); // drop the padding row
  for (let item = 0; item < data.numItems; item++) {
    const row = vectors.subarray(item * dim, (item + 1) * dim);
    const norm = Math.hypot(...row) || 1;
    for (let i = 0; i < dim; i++) row[i]! /= norm;
  }
  return { vectors, count: data.numItems, dim };
}

export const generativeSpec = {
  name: 'generative',
  description:
    'Generative retrieval (TIGER / OneRec-V2 lazy decoder): RQ-Kmeans semantic IDs of the items, a causal transformer over the history token stream, trie-constrained beam search; epochs chosen by early stopping on validation Recall@10',
  params: generativeParamsSchema,
  defaults: generativeParamsSchema.parse({}),
  search: {},
  create: (params: GenerativeParams) => new GenerativeRecommender(params),
} satisfies RecommenderSpec<GenerativeParams>;

/**
 * The generative spec bound to a data set's item metadata, for vectorKind
 * `combined` and `content`: the content vectors (`contentVectors` over the interaction table's
 * items) are built on the first fit that needs them and shared by every fit.
 */
export function generativeSpecOf(dataset: Dataset): RecommenderSpec<GenerativeParams> {
  let content: ItemVectors | undefined;
  const lazyContent = (): ItemVectors => {
    content ??= contentVectors(dataset.interactions.items.ids(), dataset.items);
    return content;
  };
  return {
    ...generativeSpec,
    create: (params: GenerativeParams) => new GenerativeRecommender(params, { content: lazyContent }),
  };
}

/** How many items have an item-id input embedding (0: the model reads semantic ids only). */
export function itemInputsOf(model: GenerativeModel): number {
  return 'itemInputs' in model.config ? (model.config.itemInputs ?? 0) : 0;
}
