import fc from 'fast-check';
import { anyString, edgeNumberLiterals, edgeStrings, longString } from './edge-values.js';
import type { FuzzRequest } from './fuzz-request.js';
import { mutated } from './mutations.js';
import type { RouteSpec } from './route-specs.js';
import { type JsonSchema, type SchemaArbitraryOptions, schemaArbitrary } from './schema-arbitrary.js';

export interface RequestContext {
  schema: SchemaArbitraryOptions;
  /** Header sets saying who asks: a key of each scope, a dashboard session. */
  credentials: readonly Record<string, string>[];
  /** Wrong ones: none, unknown keys, malformed headers, forged sessions. */
  wrongCredentials: readonly Record<string, string>[];
  /** What a form's secret fields may hold: the keys, the session's CSRF token. */
  secrets: readonly string[];
}

const otherMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

const contentTypes = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'multipart/form-data',
  'application/json; charset=utf-16',
  'application/jsonx',
  'application/problem+json',
  'APPLICATION/JSON',
  'application/json; charset=utf-8; boundary=x',
  '',
  'json',
  '*/*',
];

/**
 * Requests for one route: its path with a path parameter drawn from known and
 * hostile ids, its query parameters and some it does not take, credentials of
 * every kind, and a body valid, nearly valid, malformed or of the wrong type.
 */
export function requestArbitrary(spec: RouteSpec, context: RequestContext): fc.Arbitrary<FuzzRequest> {
  const route = `${spec.method} ${spec.pattern}`;
  return fc
    .record({
      method: fc.oneof({ weight: 12, arbitrary: fc.constant(spec.method) }, fc.constantFrom(...otherMethods)),
      path: pathArbitrary(spec.pattern, context),
      query: queryArbitrary(spec.query, context),
      credentials: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...context.credentials) },
        { weight: 1, arbitrary: fc.constantFrom(...context.wrongCredentials) },
      ),
      headers: extraHeaders,
      body: bodyArbitrary(spec, context),
    })
    .map(({ method, path, query, credentials, headers, body }) => ({
      route,
      method,
      url: query === '' ? path : `${path}?${query}`,
      headers: { ...headers, ...credentials, ...body.headers },
      ...(body.text !== undefined && { body: body.text }),
    }));
}

/**
 * `encodeURIComponent`, but a lone surrogate (which it refuses) is sent as the
 * three bytes WTF-8 gives it: percent-encoding that decodes to no UTF-8 at all.
 */
export function percentEncode(text: string): string {
  return text.replace(/[\s\S]/gu, (character) => {
    const code = character.charCodeAt(0);
    if (character.length > 1 || code < 0xd800 || code > 0xdfff) return encodeURIComponent(character);
    const bytes = [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)];
    return bytes.map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');
  });
}

/** Path parameters: ids the store holds, hostile ones percent-encoded, and some sent raw. */
function pathArbitrary(pattern: string, context: RequestContext): fc.Arbitrary<string> {
  const names = pattern.match(/:[^/]+/g) ?? [];
  if (names.length === 0)
    return fc.oneof({ weight: 9, arbitrary: fc.constant(pattern) }, trailingJunk(pattern));
  // The collection a parameter is in names what it holds: `/v1/items/:id` an item's id,
  // `/v1/admin/models/:name/versions/:version` a model's name, then one of its versions.
  const collections = names.map((name) => new RegExp(`([^/]+)/${name}(?:/|$)`).exec(pattern)?.[1]);
  const segment = (collection: string | undefined) =>
    fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...context.schema.known(collection)).map(percentEncode) },
      { weight: 3, arbitrary: fc.constantFrom(...edgeStrings).map(percentEncode) },
      { weight: 2, arbitrary: anyString(40).map(percentEncode) },
      { weight: 1, arbitrary: fc.constantFrom(511, 512, 513, 2000).chain(longString).map(percentEncode) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', '%2F', '%2e%2e', '..', ';', ' ', '+', ''),
      },
    );
  return fc
    .tuple(...collections.map(segment))
    .map((values) => names.reduce((path, name, index) => path.replace(name, values[index] ?? ''), pattern));
}

function trailingJunk(pattern: string): fc.Arbitrary<string> {
  return fc.constantFrom('/', '//', '/.', '/%', '%20', ';x', '/..').map((junk) => pattern + junk);
}

/** A query string: some of the route's parameters (each from its schema and from raw edges), some it does not take. */
function queryArbitrary(
  parameters: Record<string, JsonSchema>,
  context: RequestContext,
): fc.Arbitrary<string> {
  const names = Object.keys(parameters);
  const value = (schema: JsonSchema) =>
    fc.oneof(
      { weight: 4, arbitrary: schemaArbitrary(schema, { ...context.schema, clean: true }).map(String) },
      { weight: 2, arbitrary: schemaArbitrary(schema, context.schema).map(String) },
      { weight: 2, arbitrary: fc.integer({ min: -1000, max: 2_000_000_000 }).map(String) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('', '0', '-0', '1e3', '01', ' 1', '1 ', '0x10', '9'.repeat(30), 'NaN'),
      },
      { weight: 1, arbitrary: anyString(20) },
    );
  const known =
    names.length === 0
      ? fc.constant<[string, string][]>([])
      : fc.array(
          fc
            .constantFrom(...names)
            .chain((name) => value(parameters[name] ?? {}).map((v): [string, string] => [name, v])),
          { maxLength: 4 },
        );
  const unknown = fc.array(
    fc.tuple(fc.constantFrom('x', 'n[]', '', '__proto__', 'a.b', '%zz'), anyString(10)),
    {
      maxLength: 2,
    },
  );
  return fc
    .tuple(
      known,
      fc.oneof({ weight: 4, arbitrary: fc.constant([]) }, unknown),
      fc.integer({ min: 0, max: 9 }),
    )
    .map(([pairs, more, encoding]) =>
      [...pairs, ...more]
        .map(([name, v]) =>
          // Mostly encoded as a client would; sometimes raw, with whatever that breaks.
          encoding === 0 ? `${name}=${v}` : `${percentEncode(name)}=${percentEncode(v)}`,
        )
        .join('&'),
    );
}

/** Headers besides the credentials a client, a proxy or an attacker might add. */
const extraHeaders: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({}) },
  fc.constantFrom<Record<string, string>>(
    { origin: 'https://evil.example' },
    { origin: 'null' },
    { origin: 'not a url' },
    { 'sec-fetch-site': 'cross-site' },
    { 'sec-fetch-site': 'same-origin' },
    { 'x-forwarded-proto': 'https' },
    { 'x-forwarded-host': 'evil.example' },
    { accept: 'text/html' },
    { accept: 'application/json' },
    { 'accept-encoding': 'gzip, br' },
    { 'content-length': '0' },
    { cookie: 'genfeed_dashboard_session=' },
    { cookie: `genfeed_dashboard_session=${'a'.repeat(5000)}` },
    { cookie: 'genfeed_dashboard_session=%zz; other=;;' },
  ),
);

interface BodyPart {
  headers: Record<string, string>;
  text?: string;
}

const json = { 'content-type': 'application/json' };

/** A body for the route, or for a route that takes none, a stray one now and then. */
function bodyArbitrary(spec: RouteSpec, context: RequestContext): fc.Arbitrary<BodyPart> {
  const stray = fc.oneof(
    { weight: 8, arbitrary: fc.constant<BodyPart>({ headers: {} }) },
    fc.jsonValue({ maxDepth: 2 }).map((value): BodyPart => ({ headers: json, text: JSON.stringify(value) })),
    anyString(50).map((text): BodyPart => ({ headers: {}, text })),
  );
  if (spec.body === undefined) return stray;
  if ('form' in spec.body) return formBody(spec.body.form, context);
  const clean = schemaArbitrary(spec.body.json, { ...context.schema, clean: true });
  const valid = schemaArbitrary(spec.body.json, context.schema);
  const asJson = (value: unknown): BodyPart => ({ headers: json, text: JSON.stringify(value) });
  return fc.oneof(
    { weight: 8, arbitrary: clean.map(asJson) },
    { weight: 6, arbitrary: valid.map(asJson) },
    { weight: 4, arbitrary: mutated(clean).map(asJson) },
    {
      weight: 1,
      arbitrary: fc.tuple(valid, fc.nat(), fc.constantFrom(...edgeNumberLiterals)).map(withNumberLiteral),
    },
    { weight: 1, arbitrary: fc.tuple(valid, fc.nat(), anyString(8)).map(malformedJson) },
    { weight: 1, arbitrary: fc.tuple(valid, fc.constantFrom(...contentTypes)).map(wrongContentType) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 60_000 }).map(deeplyNested) },
    { weight: 1, arbitrary: fc.jsonValue().map(asJson) },
    { weight: 1, arbitrary: fc.constantFrom<BodyPart>({ headers: json }, { headers: json, text: '' }) },
    { weight: 1, arbitrary: stray },
  );
}

/** One number of the JSON text written as a literal that `JSON.stringify` never makes (1e999, -0, 30 digits). */
function withNumberLiteral([value, at, literal]: [unknown, number, string]): BodyPart {
  const text = JSON.stringify(value);
  const numbers = [...text.matchAll(/(?<=[:[,])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?=[,\]}])/g)];
  const match = numbers[at % Math.max(1, numbers.length)];
  if (match?.index === undefined) return { headers: json, text: literal };
  return {
    headers: json,
    text: text.slice(0, match.index) + literal + text.slice(match.index + match[0].length),
  };
}

/** The JSON text cut short, or with junk spliced in. */
function malformedJson([value, at, junk]: [unknown, number, string]): BodyPart {
  const text = JSON.stringify(value);
  const cut = at % Math.max(1, text.length);
  const broken = at % 2 === 0 ? text.slice(0, cut) : text.slice(0, cut) + junk + text.slice(cut);
  return { headers: json, text: broken === text ? `${text},` : broken };
}

function wrongContentType([value, type]: [unknown, string]): BodyPart {
  return { headers: type === '' ? {} : { 'content-type': type }, text: JSON.stringify(value) };
}

/** `[[[...]]]` or `{"a":{"a":...}}`, within the smaller body limit for most depths. */
function deeplyNested(depth: number): BodyPart {
  const text =
    depth % 2 === 0
      ? `${'['.repeat(depth)}${']'.repeat(depth)}`
      : `${'{"a":'.repeat(Math.floor(depth / 5))}1${'}'.repeat(Math.floor(depth / 5))}`;
  return { headers: json, text };
}

/** A form (url-encoded or multipart) of the route's fields, with secrets that work now and then. */
function formBody(fields: Record<string, JsonSchema>, context: RequestContext): fc.Arbitrary<BodyPart> {
  const value = (schema: JsonSchema) =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...context.secrets) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          '/dashboard/items',
          '//evil.example',
          'https://evil.example/',
          '/dashboard?x=%zz',
        ),
      },
      { weight: 3, arbitrary: schemaArbitrary(schema, context.schema).map(String) },
    );
  const form = fc.record(
    Object.fromEntries(Object.entries(fields).map(([name, schema]) => [name, value(schema)])),
    {
      requiredKeys: [],
    },
  ) as fc.Arbitrary<Record<string, string>>;
  return fc.oneof(
    {
      weight: 6,
      arbitrary: form.map((values) => ({
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        text: new URLSearchParams(values).toString(),
      })),
    },
    form.map((values) => ({
      headers: { 'content-type': 'multipart/form-data; boundary=fuzz' },
      text: `${Object.entries(values)
        .map(([name, v]) => `--fuzz\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${v}\r\n`)
        .join('')}--fuzz--\r\n`,
    })),
    form.map((values) => ({ headers: json, text: JSON.stringify(values) })),
    fc.tuple(fc.constantFrom(...contentTypes), anyString(40)).map(([type, text]) => ({
      headers: type === '' ? {} : { 'content-type': type },
      text,
    })),
    fc.constant<BodyPart>({
      headers: { 'content-type': 'multipart/form-data; boundary=fuzz' },
      text: '--fuzz\r\n',
    }),
  );
}
