import { InvalidInputError, Random } from '../core/index.js';
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
import { loadCheckpoint, loadParameters, saveCheckpoint } from '../tensor/index.js';
import { type TrainingResult, train } from '../training/index.js';
import { phaseScorer } from './batched-scoring.js';
import { scoringReport } from './model-report.js';
import { type NeuralFitOptions, neuralFitResult, neuralTrainerOptions } from './neural-fit.js';
import { SasRec, type SasRecConfig } from './sasrec.js';
import { nextItemBatch } from './sequence-batch.js';

export type SasRecRecommenderOptions = NeuralFitOptions;

/**
 * SASRec on the eval interface. With a validation phase in the fit context it
 * stops early on validation Recall@10 and reports the best epoch as
 * `chosen.epochs` (plus the cosine horizon it used, so the refit replays the
 * same learning rates); without one it trains exactly `epochs` epochs.
 */
export class SasRecRecommender implements Recommender {
  readonly params: Params;
  readonly options: SasRecRecommenderOptions;
  /** The last fit's epochs, losses and validation values. */
  training: TrainingResult | undefined;
  #model: SasRec | undefined;
  #validationScorer: Recommender | undefined;

  constructor(params: Params, options: SasRecRecommenderOptions = {}) {
    this.params = { ...sasrecSpec.defaults, ...params };
    this.options = options;
  }

  get model(): SasRec {
    if (this.#model === undefined) throw new Error('SasRecRecommender: fit or load the model first');
    return this.#model;
  }

  async fit(data: TrainingData, context: FitContext): Promise<FitResult | undefined> {
    const p = this.params as Record<keyof typeof sasrecSpec.defaults, number>;
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
      neuralTrainerOptions(p, context, {
        ...this.options,
        random,
        scorer: phase ? phaseScorer(scoreBatch, phase, data.numItems) : this,
        numItems: data.numItems,
      }),
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

function configFrom(p: Record<string, number>, numItems: number): SasRecConfig {
  const config: SasRecConfig = {
    numItems,
    dim: p.dim!,
    layers: p.layers!,
    heads: p.heads!,
    maxLength: p.maxLength!,
    dropout: p.dropout!,
  };
  if (p.ffnDim! > 0) config.ffnDim = p.ffnDim!;
  return config;
}

export const sasrecSpec = {
  name: 'sasrec',
  description:
    'SASRec (Kang & McAuley 2018): causal transformer over the item history, tied item embeddings, full-softmax cross-entropy; epochs chosen by early stopping on validation Recall@10',
  defaults: {
    dim: 64,
    layers: 2,
    heads: 1,
    /** 0: 4 * dim. */
    ffnDim: 0,
    dropout: 0.2,
    lr: 1e-3,
    weightDecay: 0,
    batchSize: 128,
    maxLength: 50,
    /** The most epochs a validation fit may run; a refit runs exactly this many. */
    epochs: 200,
    /** Validation evaluations without improvement before stopping. */
    patience: 4,
    evaluateEvery: 1,
    /** Epochs the cosine decay spans; 0: `epochs`. */
    decayEpochs: 0,
    /** Validation users ranked per evaluation during training (a fixed random sample); 0: all. */
    validationUsers: 5000,
  },
  search: {},
  create: (params: Params) => new SasRecRecommender(params),
} satisfies RecommenderSpec;
