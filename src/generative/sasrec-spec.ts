import { z } from 'zod';
import { InvalidInputError, Random } from '../core/index.js';
import {
  type EvalPhase,
  type FitContext,
  type FitResult,
  type ModelReport,
  type Params,
  parseParams,
  type Recommender,
  type RecommenderSpec,
  type ReportContext,
  type TrainingData,
} from '../eval/index.js';
import { loadCheckpoint, loadParameters, saveCheckpoint } from '../tensor/index.js';
import { type TrainingResult, train } from '../training/index.js';
import { phaseScorer } from './batched-scoring.js';
import { scoringReport } from './model-report.js';
import {
  type NeuralFitOptions,
  neuralFitResult,
  neuralFitShape,
  neuralTrainerOptions,
} from './neural-fit.js';
import { SasRec, type SasRecConfig } from './sasrec.js';
import { nextItemBatch } from './sequence-batch.js';

export type SasRecRecommenderOptions = NeuralFitOptions;

export const sasrecParamsSchema = z.object({
  dim: z.number().int().min(1).default(64),
  layers: z.number().int().min(1).default(2),
  heads: z.number().int().min(1).default(1),
  /** 0: 4 * dim. */
  ffnDim: z.number().int().min(0).default(0),
  /** On the embeddings and every residual branch. */
  dropout: z.number().min(0).lt(1).default(0.2),
  /** On the attention probabilities. */
  attentionDropout: z.number().min(0).lt(1).default(0),
  /** Between the two feed-forward layers. */
  ffnDropout: z.number().min(0).lt(1).default(0),
  /** 'sqrt-dim': input item embeddings times sqrt(dim). */
  embeddingScale: z.enum(['none', 'sqrt-dim']).default('none'),
  /** Position slots counted from the oldest or the newest item (SasRecConfig.positions). */
  positions: z.enum(['oldest', 'newest']).default('oldest'),
  /** SasRecConfig.init. */
  init: z.enum(['gpt', 'xavier']).default('gpt'),
  /** 0: full-softmax cross-entropy; K: sampled softmax against K uniform negatives per batch. */
  negatives: z.number().int().min(0).default(0),
  /** Items of history read. */
  maxLength: z.number().int().min(1).default(50),
  ...neuralFitShape({
    epochs: 200,
    decayEpochs: 0,
    patience: 4,
    batchSize: 128,
    lr: 1e-3,
    validationUsers: 5000,
  }),
  /** 'cosine': linear warmup then cosine to 0.1 lr over decayEpochs; 'constant': lr throughout. */
  schedule: z.enum(['cosine', 'constant']).default('cosine'),
  /** Global gradient-norm clip; 0: none. */
  clipNorm: z.number().min(0).default(1),
  /** Adam's moment decay rates and epsilon. */
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.999),
  adamEps: z.number().positive().default(1e-8),
});

export type SasRecParams = z.infer<typeof sasrecParamsSchema>;

/**
 * SASRec on the eval interface. With a validation phase in the fit context it
 * stops early on validation Recall@10 and reports the best epoch as
 * `chosen.epochs` (plus the cosine horizon it used, so the refit replays the
 * same learning rates); without one it trains exactly `epochs` epochs.
 */
export class SasRecRecommender implements Recommender {
  readonly params: SasRecParams;
  readonly options: SasRecRecommenderOptions;
  /** The last fit's epochs, losses and validation values. */
  training: TrainingResult | undefined;
  #model: SasRec | undefined;
  #validationScorer: Recommender | undefined;

  constructor(params: z.input<typeof sasrecParamsSchema> = {}, options: SasRecRecommenderOptions = {}) {
    this.params = parseParams(sasrecSpec, params, { ignoreUnknown: true });
    this.options = options;
  }

  get model(): SasRec {
    if (this.#model === undefined) throw new Error('SasRecRecommender: fit or load the model first');
    return this.#model;
  }

  async fit(data: TrainingData, context: FitContext): Promise<FitResult | undefined> {
    const p = this.params;
    const random = context.random.fork();
    const model = new SasRec(configFrom(p, data.numItems), random.fork());
    this.#model = model;
    this.#validationScorer = undefined;
    const sequences = data.sequences.filter((sequence) => sequence.length >= 2);
    const maxLength = p.maxLength;
    const phase = context.validation;
    const scoreBatch = model.scoreBatch.bind(model);
    const result = await train(
      {
        module: model,
        examples: sequences.length,
        exampleSize: (i) => Math.min(sequences[i]!.length, maxLength + 1),
        loss: (batch, batchRandom) =>
          model.loss(
            nextItemBatch(
              Array.from(batch, (i) => sequences[i]!),
              model.padId,
              maxLength,
            ),
            batchRandom,
          ),
      },
      {
        ...neuralTrainerOptions(p, context, {
          ...this.options,
          random,
          scorer: phase ? phaseScorer(scoreBatch, phase, data.numItems) : this,
          numItems: data.numItems,
        }),
        clipNorm: p.clipNorm,
        beta1: p.beta1,
        beta2: p.beta2,
        eps: p.adamEps,
        ...(p.schedule === 'constant' && { schedule: () => 1 }),
      },
    );
    this.training = result;
    // The runner ranks the validation phase next: answer it in batches.
    if (phase) this.#validationScorer = phaseScorer(scoreBatch, phase, data.numItems);
    return neuralFitResult('sasrec', p, result, context);
  }

  score(user: number, history: Int32Array, scores: Float32Array): void {
    if (this.#validationScorer !== undefined) this.#validationScorer.score(user, history, scores);
    else this.model.scoreBatch([history], scores);
  }

  /** Scores [histories.length, numItems] of many users in one forward pass. */
  scoreBatch(histories: readonly Int32Array[], scores: Float32Array): void {
    this.model.scoreBatch(histories, scores);
  }

  /** Per-user full-catalogue scoring latency for the evaluation report (model-report.ts). */
  report(phase: EvalPhase, context: ReportContext): ModelReport {
    return scoringReport((history, scores) => this.model.scoreBatch([history], scores), phase, context);
  }

  /** Writes the model's weights and configuration to a safetensors file. */
  async save(path: string): Promise<void> {
    await saveCheckpoint(path, this.model.namedParameters(), {
      config: { model: 'sasrec', ...this.model.config, params: this.params },
    });
  }

  /** A recommender with the weights of a file written by `save`. */
  static async load(path: string): Promise<SasRecRecommender> {
    const checkpoint = await loadCheckpoint(path);
    const config = checkpoint.config as (Required<SasRecConfig> & { model?: string; params?: Params }) | null;
    if (config?.model !== 'sasrec')
      throw new InvalidInputError(`Cannot load ${path}: not a sasrec checkpoint`);
    const recommender = new SasRecRecommender(config.params ?? {});
    const model = new SasRec(config, new Random(0));
    loadParameters(model, checkpoint, { source: path });
    recommender.#model = model;
    return recommender;
  }
}

function configFrom(p: SasRecParams, numItems: number): SasRecConfig {
  const config: SasRecConfig = {
    numItems,
    dim: p.dim,
    layers: p.layers,
    heads: p.heads,
    maxLength: p.maxLength,
    dropout: p.dropout,
    attentionDropout: p.attentionDropout,
    ffnDropout: p.ffnDropout,
    scaleEmbeddings: p.embeddingScale === 'sqrt-dim',
    positions: p.positions,
    init: p.init,
    negatives: p.negatives,
  };
  if (p.ffnDim > 0) config.ffnDim = p.ffnDim;
  return config;
}

export const sasrecSpec = {
  name: 'sasrec',
  description:
    'SASRec (Kang & McAuley 2018): causal transformer over the item history, tied item embeddings, full-softmax cross-entropy; epochs chosen by early stopping on validation Recall@10',
  params: sasrecParamsSchema,
  defaults: sasrecParamsSchema.parse({}),
  search: {},
  create: (params: SasRecParams) => new SasRecRecommender(params),
} satisfies RecommenderSpec<SasRecParams>;
