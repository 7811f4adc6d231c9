import fc from 'fast-check';
import { anyString, edgeNumbers, edgeStrings, longString } from './edge-values.js';

/** The part of JSON Schema (OpenAPI 3.1) that the API's documents use. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  maxProperties?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  format?: string;
  pattern?: string;
}

export interface SchemaArbitraryOptions {
  /** The schema a `$ref` names. */
  resolve: (ref: string) => JsonSchema;
  /**
   * Strings that mean something to the server for a field of this name (the
   * ids it holds: `itemId` an item's), drawn often so that writes can succeed.
   */
  known: (field: string | undefined) => readonly string[];
  /** The clock, unix ms: times near it are inside the ingest window, the rest are not. */
  now: number;
  /** Only values inside every bound (default false: edges and values past them too). */
  clean?: boolean;
}

/** Arrays longer than this are drawn as one element repeated (over `maxItems`) or not at all. */
const MAX_DRAWN_ITEMS = 6;
/** Strings longer than this are drawn only at their bounds. */
const MAX_DRAWN_LENGTH = 24;

/**
 * Values shaped like `schema` (what a client means to send), biased to edges:
 * every bound exactly and one past it, numbers JSON can only just hold,
 * control characters, blank and very long strings, times inside and outside
 * the window around `now`. Most are valid or nearly so; the server must
 * answer each with a 2xx or a 4xx.
 */
export function schemaArbitrary(schema: JsonSchema, options: SchemaArbitraryOptions): fc.Arbitrary<unknown> {
  return build(schema, options, 4, undefined);
}

function build(
  schema: JsonSchema,
  options: SchemaArbitraryOptions,
  depth: number,
  field: string | undefined,
): fc.Arbitrary<unknown> {
  if (schema.$ref !== undefined) return build(options.resolve(schema.$ref), options, depth, field);
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches !== undefined)
    return fc.oneof(...branches.map((branch) => build(branch, options, depth, field)));
  if (schema.allOf !== undefined) return build(Object.assign({}, ...schema.allOf), options, depth, field);
  if (schema.enum !== undefined) {
    const listed = fc.constantFrom(...schema.enum);
    return options.clean ? listed : fc.oneof({ weight: 4, arbitrary: listed }, stringOf({}, options, field));
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return stringOf(schema, options, field);
    case 'integer':
    case 'number':
      return numberOf(schema, options, type === 'integer');
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return arrayOf(schema, options, depth, field);
    case 'object':
      return objectOf(schema, options, depth);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

const plain = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_ .');

function stringOf(
  schema: JsonSchema,
  options: SchemaArbitraryOptions,
  field: string | undefined,
): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 1000;
  const drawn = Math.min(max, MAX_DRAWN_LENGTH);
  const known = options.known(field).filter((value) => value.length >= min && value.length <= max);
  const simple = fc
    .string({ unit: plain, minLength: Math.max(1, min), maxLength: Math.max(1, min, drawn) })
    .map((text) => (text.trim() === '' ? `x${text}`.slice(0, Math.max(1, max)) : text));
  if (options.clean) {
    if (schema.format === 'date-time') return recentIsoTime(options.now);
    return known.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, simple) : simple;
  }
  const picks: fc.MaybeWeightedArbitrary<string>[] = [
    { weight: 6, arbitrary: known.length > 0 ? fc.constantFrom(...known) : simple },
    { weight: 3, arbitrary: fc.string({ minLength: Math.min(min, drawn), maxLength: drawn }) },
    { weight: 2, arbitrary: fc.constantFrom(...edgeStrings) },
    { weight: 1, arbitrary: anyString(drawn) },
    { weight: 1, arbitrary: fc.constantFrom(max, max + 1).chain((length) => longString(length)) },
  ];
  if (schema.format === 'date-time') picks.unshift({ weight: 8, arbitrary: isoTime(options.now) });
  return fc.oneof(...picks);
}

const DAY = 86_400_000;

/** Times of the last month, inside the ingest window. */
const recentTime = (now: number) => fc.integer({ min: -30 * DAY, max: 0 }).map((offset) => now + offset);
const recentIsoTime = (now: number) => recentTime(now).map((time) => new Date(time).toISOString());

/** ISO 8601 times around `now`, some a little past the window, some not ISO 8601 at all. */
function isoTime(now: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.integer({ min: -4000, max: 3 }).map((days) => new Date(now + days * DAY).toISOString()),
    fc
      .integer({ min: -4000, max: 3 })
      .map((days) => new Date(now + days * DAY).toISOString().replace('Z', '+05:30')),
    fc.constantFrom(
      '2026-01-05T08:00:00',
      '2026-13-45T25:61:61Z',
      '2026-02-30T00:00:00Z',
      '0000-01-01T00:00:00Z',
      '+275760-09-13T00:00:00.000Z',
      '-271821-04-20T00:00:00.000Z',
      '1970-01-01T00:00:00Z',
      'yesterday',
      '2026-01-05',
    ),
  );
}

function numberOf(
  schema: JsonSchema,
  options: SchemaArbitraryOptions,
  integer: boolean,
): fc.Arbitrary<number> {
  const min = schema.minimum ?? -1e9;
  const max = schema.maximum ?? 1e9;
  // A field whose bound reaches 2001 in unix ms holds times.
  const time = max >= 1e12;
  if (options.clean && time) return recentTime(options.now);
  const inRange = integer
    ? fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) })
    : fc.double({ min, max, noNaN: true });
  const bounds = [min, max, min - 1, max + 1, integer ? min + 0.5 : (min + max) / 2];
  if (options.clean) return inRange;
  const picks: fc.MaybeWeightedArbitrary<number>[] = [
    { weight: 5, arbitrary: inRange },
    { weight: 2, arbitrary: fc.constantFrom(...bounds) },
    { weight: 1, arbitrary: fc.constantFrom(...edgeNumbers) },
  ];
  // Most times drawn inside the ingest window, the rest up to a little past it either way.
  if (time)
    picks.unshift({
      weight: 8,
      arbitrary: fc.integer({ min: -4000 * DAY, max: 3 * DAY }).map((offset) => options.now + offset),
    });
  return fc.oneof(...picks);
}

function arrayOf(
  schema: JsonSchema,
  options: SchemaArbitraryOptions,
  depth: number,
  field: string | undefined,
): fc.Arbitrary<unknown[]> {
  const item =
    schema.items === undefined
      ? fc.jsonValue({ maxDepth: 1 })
      : build(schema.items, options, depth - 1, field);
  const min = schema.minItems ?? 0;
  const max = schema.maxItems ?? 10_000;
  const drawn = fc.array(item, {
    minLength: Math.min(min, MAX_DRAWN_ITEMS),
    maxLength: Math.min(max, MAX_DRAWN_ITEMS),
  });
  if (options.clean) {
    // A full batch, one element repeated: as long as the API takes, within the 2 s bound.
    const full = item.map((element) => Array.from({ length: max }, () => element));
    return max > MAX_DRAWN_ITEMS && max <= 1000 ? fc.oneof({ weight: 9, arbitrary: drawn }, full) : drawn;
  }
  // One element repeated to the bound and past it: cheap to build, long enough to test the limit.
  const atBounds = fc
    .tuple(item, fc.constantFrom(max, max + 1, Math.max(0, min - 1)))
    .map(([element, length]) => Array.from({ length }, () => element));
  return fc.oneof({ weight: 6, arbitrary: drawn }, { weight: 1, arbitrary: atBounds });
}

function objectOf(
  schema: JsonSchema,
  options: SchemaArbitraryOptions,
  depth: number,
): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const record = fc.record(
    Object.fromEntries(
      Object.entries(properties).map(([name, property]) => [name, build(property, options, depth - 1, name)]),
    ),
    { requiredKeys: schema.required?.filter((name) => name in properties) ?? [] },
  ) as fc.Arbitrary<Record<string, unknown>>;
  const extra = schema.additionalProperties;
  if (typeof extra !== 'object' || depth <= 0) return record;
  const names =
    schema.propertyNames === undefined
      ? fc.string()
      : stringOf(schema.propertyNames, options, 'propertyName');
  const maxKeys = Math.min(schema.maxProperties ?? 10, MAX_DRAWN_ITEMS);
  const dictionary = fc.dictionary(names, build(extra, options, depth - 1, undefined), { maxKeys });
  return fc.tuple(dictionary, record).map(([more, fields]) => ({ ...more, ...fields }));
}
