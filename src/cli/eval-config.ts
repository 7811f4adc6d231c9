import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { InvalidInputError } from '../core/index.js';
import { type Params, type RecommenderSpec, safeParseParams, splitProtocols } from '../eval/index.js';
import { findModel } from './model-registry.js';
import { fitTargets } from './training-data.js';

const paramValue = z.union([z.number(), z.string()]);

/** A `--config` file for `genfeed eval` (shipped presets live in config/). */
export const evalConfigSchema = z
  .object({
    /** One or two sentences: what the preset is for and where its values come from. */
    description: z.string().optional(),
    /** The model this preset is for; `--model` may then be left out. */
    model: z.string().optional(),
    /** Hyperparameters fixed (not searched), checked by the model's own schema. */
    params: z.record(z.string(), paramValue).optional(),
    /** Values to try on validation, replacing the model's own search space. */
    search: z.record(z.string(), z.array(paramValue).min(1)).optional(),
    selectBy: z
      .string()
      .regex(/^(recall|ndcg)@\d+$|^mrr$/)
      .optional(),
    protocol: z.enum(splitProtocols).optional(),
    validationFraction: z.number().gt(0).lt(1).optional(),
    testFraction: z.number().gt(0).lt(1).optional(),
    ks: z.array(z.number().int().positive()).min(1).optional(),
    /** What `genfeed train` fits on (default `all`). */
    fitOn: z.enum(fitTargets).optional(),
  })
  .strict();

export type EvalConfig = z.infer<typeof evalConfigSchema>;

export function parseEvalConfig(text: string, file: string): EvalConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`Cannot parse ${basename(file)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const result = evalConfigSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.join('.') || '(top level)';
    throw new InvalidInputError(`Invalid config ${basename(file)}: field "${field}": ${issue.message}`);
  }
  if (result.data.model !== undefined) checkModelParams(result.data, findModel(result.data.model), file);
  return result.data;
}

/**
 * Checks the config's params and search values with the model's schema
 * (names, ranges, enum choices); a bad one throws an `InvalidInputError`
 * naming the file and the field.
 */
export function checkModelParams(config: EvalConfig, spec: RecommenderSpec<Params>, file: string): void {
  const fail = (field: string, message: string): never => {
    throw new InvalidInputError(`Invalid config ${basename(file)}: field "${field}": ${message}`);
  };
  const params = safeParseParams(spec, config.params ?? {});
  if (!params.success) fail(`params.${params.field}`, params.message);
  for (const [key, values] of Object.entries(config.search ?? {}))
    values.forEach((value, index) => {
      const trial = safeParseParams(spec, { [key]: value });
      if (!trial.success) fail(`search.${key}.${index}`, trial.message);
    });
}

export function readEvalConfig(file: string): EvalConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InvalidInputError(
      `Cannot read config ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`,
      {
        cause: error,
      },
    );
  }
  return parseEvalConfig(text, file);
}
