import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { InvalidInputError } from '../core/index.js';
import { splitProtocols } from '../eval/index.js';
import { fitTargets } from './training-data.js';

/** A `--config` file for `genfeed eval` (shipped presets live in config/). */
export const evalConfigSchema = z
  .object({
    /** One or two sentences: what the preset is for and where its values come from. */
    description: z.string().optional(),
    /** The model this preset is for; `--model` may then be left out. */
    model: z.string().optional(),
    /** Hyperparameters fixed (not searched). */
    params: z.record(z.string(), z.number()).optional(),
    /** Values to try on validation, replacing the model's own search space. */
    search: z.record(z.string(), z.array(z.number()).min(1)).optional(),
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
  return result.data;
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
