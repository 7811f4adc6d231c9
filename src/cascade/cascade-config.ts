import { z } from 'zod';

/** Most candidates recall may return in all (the production range is 1,000-5,000). */
export const maxRecallSize = 20_000;

/** Candidates each recall source adds (after deduplication against earlier sources). */
const quotasSchema = z
  .object({
    itemknn: z.number().int().min(0).max(maxRecallSize),
    ann: z.number().int().min(0).max(maxRecallSize),
    popular: z.number().int().min(0).max(maxRecallSize),
    fresh: z.number().int().min(0).max(maxRecallSize),
  })
  .strict()
  .refine((quotas) => quotas.itemknn + quotas.ann + quotas.popular + quotas.fresh <= maxRecallSize, {
    message: `the quotas add up to more than ${maxRecallSize} candidates`,
  });

/** The two-tower pre-rank's shape and training (two-tower-model.ts, train-two-tower.ts). */
const twoTowerSchema = z
  .object({
    /** Width of both towers' embeddings and outputs. */
    dim: z.number().int().min(4).max(256),
    /** Recent history items the user tower reads. */
    historyLength: z.number().int().min(1).max(200),
    epochs: z.number().int().min(1).max(100),
    /** Examples per batch (= in-batch negatives + 1). */
    batchSize: z.number().int().min(2).max(4096),
    /** Next-item examples from the end of each user's sequence. */
    examplesPerUser: z.number().int().min(1).max(100),
    /** At most this many examples in all (a seeded sample). */
    maxExamples: z.number().int().min(1),
  })
  .strict();

/** The target-attention ranker's width and training (target-attention-model.ts). */
const targetAttentionSchema = z
  .object({
    /** Embedding width. */
    dim: z.number().int().min(4).max(128),
    /** Width of the tower's two hidden layers. */
    hidden: z.number().int().min(4).max(1024),
    /** Width of the attention unit's hidden layer. */
    attentionHidden: z.number().int().min(2).max(256),
    /** Recent valid plays the attention reads. */
    historyLength: z.number().int().min(1).max(200),
    epochs: z.number().int().min(1).max(100),
    /** Impressions per batch. */
    batchSize: z.number().int().min(8).max(8192),
  })
  .strict();

/** Every setting of a cascade; stored in its model directory. */
export const cascadeConfigSchema = z
  .object({
    /** Recall quota per source, run in this order: item-kNN, ANN, popular, fresh (sum = recall size). */
    quotas: quotasSchema,
    /** Candidates the pre-rank keeps for the rank stage (a few hundred in production). */
    prerankSize: z.number().int().min(1).max(5000),
    /** The pre-rank: the linear model over five features (prerank-model.ts) or the two-tower model. */
    prerankModel: z.enum(['linear', 'two-tower']).default('linear'),
    twoTower: twoTowerSchema.default(() => ({ ...defaultTwoTower })),
    /**
     * The rank stage: the reward model (when the build is given one) or the
     * target-attention ranker (trained at build time on the given impressions).
     */
    rankModel: z.enum(['reward', 'target-attention']).default('reward'),
    targetAttention: targetAttentionSchema.default(() => ({ ...defaultTargetAttention })),
    /** Recent history items read by item-kNN and the user vector. */
    historyWindow: z.number().int().min(1),
    /** Weight decay^age of a history item (newest age 0). */
    historyDecay: z.number().gt(0).max(1),
    /** Item-kNN neighbours kept per item, and the cosine shrinkage. */
    neighbours: z.number().int().min(1),
    shrink: z.number().min(0),
    /** Item embedding width (SPPMI-SVD item2vec vectors of the tokenizer module). */
    dim: z.number().int().min(1),
    /** Co-occurrence window of the item vectors, positions each side. */
    vectorWindow: z.number().int().min(1),
    /** Popularity counts each user's last `popularWindow` interactions. */
    popularWindow: z.number().int().min(1),
    /** Fresh-source score halves every this many hours of item age. */
    freshHalfLifeHours: z.number().gt(0),
    /** Users sampled to fit the pre-rank weights on held-out next items (0 = keep the default weights). */
    prerankUsers: z.number().int().min(0),
    /** SGD epochs of that fit. */
    prerankEpochs: z.number().int().min(1),
    /** At most this many items per author in one feed (0 = no cap). */
    authorCap: z.number().int().min(0),
    /** Never recommend what the user already consumed. */
    excludeHistory: z.boolean(),
    /** HNSW graph degree, build and search candidate lists. */
    ann: z
      .object({
        m: z.number().int().min(2),
        efConstruction: z.number().int().min(1),
        ef: z.number().int().min(1),
      })
      .strict(),
    /** With a reward model: rank by its learned fusion or by the fixed formula over its heads. */
    rewardFusion: z.enum(['learned', 'formula']),
    seed: z.number().int(),
  })
  .strict();

export type CascadeConfig = z.infer<typeof cascadeConfigSchema>;

/** Partial settings: nested objects may be partial too. */
export type CascadeSettings = Partial<
  Omit<CascadeConfig, 'quotas' | 'ann' | 'twoTower' | 'targetAttention'>
> & {
  quotas?: Partial<CascadeConfig['quotas']>;
  ann?: Partial<CascadeConfig['ann']>;
  twoTower?: Partial<CascadeConfig['twoTower']>;
  targetAttention?: Partial<CascadeConfig['targetAttention']>;
};

/**
 * Two-tower training: every position of a sequence (up to 50 from its end) for
 * 3 epochs. Longer training overfits the id embeddings (scaled 2k world:
 * satisfaction of the served 20 0.842 at 3 epochs, 0.836 at 8, 0.757 at 30
 * with 5 examples per user), fewer examples per user too (0.807 at 5).
 */
const defaultTwoTower = {
  dim: 32,
  historyLength: 20,
  epochs: 3,
  batchSize: 256,
  examplesPerUser: 50,
  maxExamples: 200_000,
};

const defaultTargetAttention = {
  dim: 16,
  hidden: 64,
  attentionHidden: 32,
  historyLength: 20,
  epochs: 3,
  batchSize: 512,
};

/**
 * Defaults: recall 500 (200 item-kNN, 200 ANN, 60 popular, 40 fresh) -> pre-rank
 * 100 -> rank -> n. Measured in docs/cascade.md.
 */
export const defaultCascadeConfig: CascadeConfig = {
  quotas: { itemknn: 200, ann: 200, popular: 60, fresh: 40 },
  prerankSize: 100,
  prerankModel: 'linear',
  twoTower: defaultTwoTower,
  rankModel: 'reward',
  targetAttention: defaultTargetAttention,
  historyWindow: 50,
  historyDecay: 0.9,
  neighbours: 100,
  shrink: 10,
  dim: 32,
  vectorWindow: 5,
  popularWindow: 50,
  freshHalfLifeHours: 24,
  prerankUsers: 5000,
  prerankEpochs: 10,
  authorCap: 0,
  excludeHistory: true,
  ann: { m: 16, efConstruction: 200, ef: 100 },
  rewardFusion: 'learned',
  seed: 7,
};

/** Defaults overlaid with `settings`, checked; a bad value is a RangeError naming the field. */
export function resolveCascadeConfig(settings: CascadeSettings = {}): CascadeConfig {
  const merged = {
    ...defaultCascadeConfig,
    ...settings,
    quotas: { ...defaultCascadeConfig.quotas, ...settings.quotas },
    ann: { ...defaultCascadeConfig.ann, ...settings.ann },
    twoTower: { ...defaultCascadeConfig.twoTower, ...settings.twoTower },
    targetAttention: { ...defaultCascadeConfig.targetAttention, ...settings.targetAttention },
  };
  const parsed = cascadeConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RangeError(`cascade setting "${issue.path.join('.')}": ${issue.message}`);
  }
  return parsed.data;
}
