import { z } from 'zod';
import { withCategoricalNames } from './generative-params.js';

export const MODEL_DIRECTORY_FORMAT = 'genfeed.model-directory';
/** Bumped when a reader of the previous version could misread a directory. */
export const MODEL_DIRECTORY_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';
export const ITEMS_FILE = 'items.json';

/** `manifest.json` of a model directory: what was trained on what, and a sha256 of every other file. */
export const modelManifestSchema = z
  .object({
    format: z.literal(MODEL_DIRECTORY_FORMAT),
    formatVersion: z.number().int().min(1),
    /** The spec name: `sasrec` or `generative`. */
    model: z.string(),
    /**
     * The model's params (categorical ones by name; genfeed 0.1 wrote their
     * index, read as the name), plus facts of later steps such as `alignUsers`.
     */
    params: z
      .record(z.string(), z.union([z.number(), z.string()]))
      .transform((params) => withCategoricalNames(params)),
    dataset: z.object({
      name: z.string(),
      /** sha256 over the item ids and the fit sequences (see the CLI's `datasetFingerprint`). */
      fingerprint: z.string(),
      users: z.number().int().min(0),
      interactions: z.number().int().min(0),
    }),
    /** What the model was fit on, e.g. `all` (every user's whole sequence) or `train+validation`. */
    fitOn: z.string(),
    /** The item id list (a JSON array of strings, index = the model's item index). */
    items: z.object({ file: z.string(), count: z.number().int().min(0) }),
    seed: z.number(),
    trainSeconds: z.number().min(0),
    peakRssMB: z.number().min(0),
    created: z.string(),
    genfeedVersion: z.string(),
    /**
     * One entry per trained epoch, for the dashboard's Models page: mean training
     * loss, the validation Recall@10 when that epoch was evaluated, wall seconds.
     */
    trainingCurve: z
      .array(
        z
          .object({
            epoch: z.number().int().min(1),
            loss: z.number(),
            validationRecallAt10: z.number().optional(),
            seconds: z.number().min(0),
          })
          .strict(),
      )
      .optional(),
    /** File name -> sha256 (hex) of every file of the directory but this manifest. */
    files: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)),
  })
  .strict();

export type ModelManifest = z.infer<typeof modelManifestSchema>;

export type TrainingCurve = NonNullable<ModelManifest['trainingCurve']>;
