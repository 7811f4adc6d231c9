import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { paramsSchemaOf, parseParams, safeParseParams } from './model-params.js';
import type { RecommenderSpec } from './recommender.js';

const create = () => ({ fit: () => undefined, score: () => undefined });
const untyped: RecommenderSpec = {
  name: 'plain',
  description: 'no schema',
  defaults: { depth: 2 },
  search: {},
  create,
};

const schema = z.object({
  kind: z.enum(['small', 'large']).default('small'),
  width: z.number().int().positive().default(8),
});
const typed: RecommenderSpec<z.infer<typeof schema>> = {
  name: 'typed',
  description: 'an enum and a range',
  params: schema,
  defaults: schema.parse({}),
  search: {},
  create,
};

describe('parseParams', () => {
  it('completes params with the defaults, enums by name', () => {
    expect(parseParams(typed, { kind: 'large' })).toEqual({ kind: 'large', width: 8 });
    expect(parseParams(untyped, {})).toEqual({ depth: 2 });
    expect(paramsSchemaOf(untyped).safeParse({ depth: 'deep' }).success).toBe(false);
  });

  it('names the field of an unknown name or a bad value', () => {
    expect(safeParseParams(typed, { height: 1 })).toEqual({
      success: false,
      field: 'height',
      message: 'not a parameter of model typed (known: kind, width)',
    });
    expect(() => parseParams(typed, { kind: 'medium' })).toThrow(
      /^Invalid params of model typed: field "kind": Invalid option: expected one of "small"\|"large"$/,
    );
    expect(() => parseParams(typed, { width: 0 }, { source: 'config x.json', path: 'params' })).toThrow(
      /^Invalid config x\.json: field "params\.width": /,
    );
  });

  it('drops unknown names when asked to', () => {
    expect(parseParams(typed, { width: 4, maxLength: 8 }, { ignoreUnknown: true })).toEqual({
      kind: 'small',
      width: 4,
    });
  });
});
