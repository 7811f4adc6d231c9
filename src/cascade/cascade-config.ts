import { z } from 'zod';

/** Candidates each recall source adds (after deduplication against earlier sources). */
const quotasSchema = z
  .object({
    itemknn: z.number().int().min(0),
    ann: z.number().int().min(0),
    popular: z.number().int().min(0),
    fresh: z.number().int().min(0),
  })
  .strict();

/** Every setting of a cascade; stored in its model directory. */
export const cascadeConfigSchema = z
  .object({
    /** Recall quota per source, run in this order: item-kNN, ANN, popular, fresh (sum = recall size). */
    quotas: quotasSchema,
    /** Candidates the pre-rank keeps for the rank stage. */
    prerankSize: z.number().int().min(1),
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
export type CascadeSettings = Partial<Omit<CascadeConfig, 'quotas' | 'ann'>> & {
  quotas?: Partial<CascadeConfig['quotas']>;
  ann?: Partial<CascadeConfig['ann']>;
};

/**
 * Defaults: recall 500 (200 item-kNN, 200 ANN, 60 popular, 40 fresh) -> pre-rank
 * 100 -> rank -> n. Measured in docs/cascade.md.
 */
export const defaultCascadeConfig: CascadeConfig = {
  quotas: { itemknn: 200, ann: 200, popular: 60, fresh: 40 },
  prerankSize: 100,
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
  };
  const parsed = cascadeConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RangeError(`cascade setting "${issue.path.join('.')}": ${issue.message}`);
  }
  return parsed.data;
}
