import { z } from 'zod';
import { InvalidInputError } from '../core/index.js';
import type { Params, ParamsSchema, RecommenderSpec } from './recommender.js';

/** The spec's schema; a spec without one takes a number (or string) for each of its defaults. */
export function paramsSchemaOf<P extends Params>(spec: RecommenderSpec<P>): ParamsSchema<P> {
  if (spec.params) return spec.params;
  const shape = Object.fromEntries(
    Object.entries(spec.defaults).map(([key, value]) => [
      key,
      typeof value === 'number' ? z.number().default(value) : z.string().default(value),
    ]),
  );
  return z.object(shape) as unknown as ParamsSchema<P>;
}

export interface ParseParamsOptions {
  /** What the error names as invalid, e.g. `config x.json`. Default `params of model <name>`. */
  source?: string;
  /** Where the params sit in the source, put before the field's name (e.g. `params`). */
  path?: string;
  /**
   * Drop names the model does not know instead of failing: for callers that
   * configure several models with one object. Default false.
   */
  ignoreUnknown?: boolean;
}

export type ParamsResult<P> = { success: true; data: P } | { success: false; field: string; message: string };

/** `input` completed with the defaults and checked by the spec's schema, or the first bad field. */
export function safeParseParams<P extends Params>(
  spec: RecommenderSpec<P>,
  input: Readonly<Record<string, unknown>>,
  options: ParseParamsOptions = {},
): ParamsResult<P> {
  const unknown = Object.keys(input).find((key) => !(key in spec.defaults));
  if (unknown !== undefined && !options.ignoreUnknown)
    return {
      success: false,
      field: unknown,
      message: `not a parameter of model ${spec.name} (known: ${Object.keys(spec.defaults).join(', ')})`,
    };
  // Zod objects drop unknown names themselves.
  const result = paramsSchemaOf(spec).safeParse(input);
  if (result.success) return { success: true, data: result.data };
  const issue = result.error.issues[0]!;
  return { success: false, field: issue.path.join('.'), message: issue.message };
}

/** `safeParseParams` that throws an `InvalidInputError` naming the source, the field and the problem. */
export function parseParams<P extends Params>(
  spec: RecommenderSpec<P>,
  input: Readonly<Record<string, unknown>>,
  options: ParseParamsOptions = {},
): P {
  const result = safeParseParams(spec, input, options);
  if (result.success) return result.data;
  const field = [options.path, result.field].filter(Boolean).join('.') || '(top level)';
  throw new InvalidInputError(
    `Invalid ${options.source ?? `params of model ${spec.name}`}: field "${field}": ${result.message}`,
  );
}
