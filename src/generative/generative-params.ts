import { z } from 'zod';
import { markovParamsSchema } from '../baselines/index.js';
import { ID_MODELS, type IdModelName } from './id-model.js';
import { learnedParamsSchema } from './learned-id-model.js';
import { neuralFitShape } from './neural-fit.js';
import { sasrecParamsSchema } from './sasrec-spec.js';

/** The model `architecture` names: OneRec-V2's lazy decoder-only, or TIGER / OneRec v1's encoder-decoder. */
export const GENERATIVE_ARCHITECTURES = ['lazy-decoder', 'encoder-decoder'] as const;

/** Item vectors the tokenizer is fitted on (`vectorKind`). */
export const VECTOR_KINDS = ['collaborative', 'combined', 'content', 'sequential'] as const;

/**
 * An ID model's params under its name (`sasrec.epochs`, `markov.weight`), with
 * that model's defaults: flat, as every model's params are.
 */
function prefixed<S extends z.ZodRawShape, P extends string>(prefix: P, shape: S) {
  return Object.fromEntries(Object.entries(shape).map(([key, schema]) => [`${prefix}.${key}`, schema])) as {
    [K in keyof S as `${P}.${K & string}`]: S[K];
  };
}

/** The generative recommender's hyperparameters; measured choices are in docs/generative.md. */
export const generativeParamsSchema = z.object({
  architecture: z.enum(GENERATIVE_ARCHITECTURES).default('lazy-decoder'),
  /** 128 / 4 heads measured better than 64 / 2 on Beauty. */
  dim: z.number().int().min(1).default(128),
  /** Transformer blocks (the encoder's, for the encoder-decoder). */
  layers: z.number().int().min(1).default(2),
  /** Decoder blocks of the encoder-decoder. */
  decoderLayers: z.number().int().min(1).default(2),
  heads: z.number().int().min(1).default(4),
  /** 0: 4 * dim. */
  ffnDim: z.number().int().min(0).default(0),
  /** 1: the lazy decoder also reads each history item's id embedding at the item's last token slot. */
  itemEmbedding: z.number().int().min(0).max(1).default(0),
  /**
   * Weight of the next-item head's full-softmax loss at the slots that predict an
   * item's first code (0: no head). The head's item table is the item-id input
   * embedding when `itemEmbedding` is 1 (tied), else a table of its own.
   */
  itemLoss: z.number().min(0).default(0),
  /** 0: the head's loss is a full-catalogue softmax; n: over the batch's next items plus n uniform draws. */
  headNegatives: z.number().int().min(0).default(0),
  /**
   * With a head: candidates = the beam's items plus the head's top items, ranked
   * by (1 - headMix) * path log-prob + headMix * head log-prob. A fit with a
   * validation phase chooses it among i / headMixSteps (i = 0..headMixSteps) and
   * returns it for the refit.
   */
  headMix: z.number().min(0).max(1).default(0.5),
  /**
   * An ID model trained beside the generative one whose log-scores are the
   * head (its params under its name: `sasrec.`, `markov.`, `learned.`; trained
   * for its configured budget, no early stopping; `learned` is a linear scorer
   * over popularity, recent popularity, the last item's transitions and
   * item-kNN, fitted on held-out last items): candidates are the beam's items
   * plus the ID model's top items, ranked by (1 - headMix) * path log-prob +
   * headMix * the ID model's log-score, the per-instance combination of a
   * generative and an ID model (arXiv 2603.19809). `none`: the model's own
   * head, if `itemLoss` > 0.
   */
  idModel: z.enum(ID_MODELS).default('none'),
  /**
   * How many of the head's (or ID model's) top items join the beam's as
   * candidates; each costs its path score (one teacher-forced pass for them
   * all). 0: as many as the beam is wide.
   */
  idCandidates: z.number().int().min(0).default(0),
  /**
   * A second ID model beside `idModel` (another of the list, its params under
   * its own name): its top `idCandidates` items join the candidates too, and a
   * candidate's ID score becomes (1 - secondMix) * idModel's log-score +
   * secondMix * this one's. A validation fit chooses secondMix with headMix,
   * on the same grid. `none`: one ID model.
   */
  secondIdModel: z.enum(ID_MODELS).default('none'),
  secondMix: z.number().min(0).max(1).default(0.5),
  ...prefixed('sasrec', sasrecParamsSchema.shape),
  ...prefixed('markov', markovParamsSchema.shape),
  ...prefixed('learned', learnedParamsSchema.shape),
  /** Grid of headMix (and secondMix) tried on validation (0: keep both). */
  headMixSteps: z.number().int().min(0).default(10),
  /** Validation users ranked to choose the mix (a fixed random sample; 0: all). */
  headMixUsers: z.number().int().min(0).default(5000),
  dropout: z.number().min(0).lt(1).default(0.2),
  /** Items of history read (the token stream is (levels + 1) times longer). */
  maxItems: z.number().int().min(1).default(50),
  // Cosine decay over 12 epochs measured best on Beauty.
  ...neuralFitShape({
    epochs: 12,
    decayEpochs: 12,
    patience: 3,
    batchSize: 128,
    lr: 3e-3,
    validationUsers: 2000,
  }),
  /** Beams kept at every step of generation (at least the list length asked for). */
  beamWidth: z.number().int().min(1).default(20),
  /** Semantic-ID code levels L and codes per level K. */
  levels: z.number().int().min(1).default(3),
  codebookSize: z.number().int().min(1).default(256),
  /** `combined` and `content` need the items' content vectors; `sequential` are SASRec item embeddings. */
  vectorKind: z.enum(VECTOR_KINDS).default('collaborative'),
  /** Dimension of the collaborative item vectors. */
  vectorDim: z.number().int().min(1).default(64),
  /** Epochs of the SASRec whose item embeddings are the `sequential` vectors. */
  sequentialEpochs: z.number().int().min(1).default(10),
  tokenizerSeed: z.number().int().min(0).default(0),
});

export type GenerativeParams = z.infer<typeof generativeParamsSchema>;
/** What the constructor takes: any of the params (the rest default), categorical ones by name. */
export type GenerativeParamsInput = z.input<typeof generativeParamsSchema>;

/** The params of ID model `name`: the ones under its name, without the prefix. */
export function idModelParams(
  params: Readonly<Record<string, unknown>>,
  name: IdModelName,
): Record<string, unknown> {
  const prefix = `${name}.`;
  return Object.fromEntries(
    Object.entries(params)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
}

const LEGACY_CODES: Record<string, readonly string[]> = {
  architecture: GENERATIVE_ARCHITECTURES,
  vectorKind: VECTOR_KINDS,
};

/**
 * Params as genfeed 0.1 saved them (manifests and checkpoints), where
 * `architecture` and `vectorKind` were indices into the lists above: the same
 * params with those indices replaced by the names. Other values pass through.
 */
export function withCategoricalNames<T extends Record<string, unknown>>(params: T): T {
  const named: Record<string, unknown> = { ...params };
  for (const [key, names] of Object.entries(LEGACY_CODES)) {
    const value = named[key];
    if (typeof value === 'number' && names[value] !== undefined) named[key] = names[value];
  }
  return named as T;
}
