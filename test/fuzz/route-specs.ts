import type { JsonSchema } from './schema-arbitrary.js';

/** What the fuzz suite knows of a route: its parameters and what its body is. */
export interface RouteSpec {
  method: string;
  /** hono's pattern, `/v1/items/:id`. */
  pattern: string;
  /** Query parameters by name. */
  query: Record<string, JsonSchema>;
  /** A JSON body of this schema, the fields of a form, or none. */
  body?: { json: JsonSchema } | { form: Record<string, JsonSchema> };
  /** Whether a 303 is a right answer (the dashboard's pages redirect to the login). */
  redirects?: boolean;
}

interface OpenApiParameter {
  name: string;
  in: string;
  schema?: JsonSchema;
}

interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export const routeKey = (method: string, pattern: string): string => `${method.toUpperCase()} ${pattern}`;

/** The route of every operation of the document: `/v1/items/{id}` becomes `/v1/items/:id`. */
export function openApiRoutes(document: OpenApiDocument): Map<string, RouteSpec> {
  const routes = new Map<string, RouteSpec>();
  for (const [path, operations] of Object.entries(document.paths)) {
    const pattern = path.replace(/\{([^}]+)\}/g, ':$1');
    for (const [method, operation] of Object.entries(operations)) {
      const query = Object.fromEntries(
        (operation.parameters ?? [])
          .filter((parameter) => parameter.in === 'query')
          .map((parameter) => [parameter.name, parameter.schema ?? { type: 'string' }]),
      );
      const json = operation.requestBody?.content['application/json']?.schema;
      const spec: RouteSpec = { method: method.toUpperCase(), pattern, query };
      if (json !== undefined) spec.body = { json };
      routes.set(routeKey(method, pattern), spec);
    }
  }
  return routes;
}

const days: JsonSchema = { type: 'string', pattern: '^\\d{1,3}$' };
const text: JsonSchema = { type: 'string', maxLength: 200 };

const dashboardPages: [string, Record<string, JsonSchema>][] = [
  ['/dashboard', { days }],
  ['/dashboard/experiments', { days, experiment: text }],
  ['/dashboard/models', {}],
  ['/dashboard/items', { q: text, id: text }],
  ['/dashboard/users', { id: text }],
  ['/dashboard/creator', { days, author: text, draft: { type: 'string', maxLength: 3000 } }],
];

/**
 * The routes the OpenAPI document does not describe (the dashboard's pages,
 * forms and assets, metrics, the document itself), written out by hand. A route in neither list fails
 * the suite: add it here when it is added to the app.
 */
export const undocumentedRoutes: RouteSpec[] = [
  { method: 'GET', pattern: '/metrics', query: {} },
  { method: 'GET', pattern: '/openapi.json', query: {} },
  { method: 'GET', pattern: '/dashboard/assets/dashboard.js', query: {} },
  { method: 'GET', pattern: '/dashboard/assets/dashboard.css', query: {} },
  { method: 'GET', pattern: '/dashboard/assets/echarts.min.js', query: {} },
  { method: 'GET', pattern: '/dashboard/login', query: { next: text } },
  {
    method: 'POST',
    pattern: '/dashboard/login',
    query: {},
    body: { form: { key: { type: 'string', maxLength: 100 }, next: text } },
    redirects: true,
  },
  {
    method: 'POST',
    pattern: '/dashboard/logout',
    query: {},
    body: { form: { csrf: { type: 'string', maxLength: 100 } } },
    redirects: true,
  },
  ...['split', 'stop'].map(
    (action): RouteSpec => ({
      method: 'POST',
      pattern: `/dashboard/experiments/${action}`,
      query: {},
      body: {
        form: {
          csrf: { type: 'string', maxLength: 100 },
          experiment: text,
          ...(action === 'split' && {
            'split.generative': { type: 'string', pattern: '^\\d{1,4}$' },
            'split.cascade': { type: 'string', pattern: '^\\d{1,4}$' },
          }),
        },
      },
      redirects: true,
    }),
  ),
  {
    method: 'POST',
    pattern: '/dashboard/models/activate',
    query: {},
    body: {
      form: {
        csrf: { type: 'string', maxLength: 100 },
        model: text,
        version: { type: 'string', pattern: '^\\d{1,3}$' },
      },
    },
    redirects: true,
  },
  {
    method: 'POST',
    pattern: '/dashboard/models/rollback',
    query: {},
    body: { form: { csrf: { type: 'string', maxLength: 100 }, model: text } },
    redirects: true,
  },
  // Their JSON twins (`/v1/admin/*`, `/v1/creator/insights`) are in the document.
  ...dashboardPages.map(
    ([page, query]): RouteSpec => ({ method: 'GET', pattern: page, query, redirects: true }),
  ),
];

/**
 * Routes the fuzzer reaches only with refusals, each for a reason; they are
 * still fuzzed (a 2xx or 4xx in bounded time, the store unchanged on a 4xx).
 */
export const refusedOnly = new Map<string, string>([
  [
    routeKey('POST', '/v1/admin/models/:name/versions'),
    'a model upload is multipart with a checksum over its files, which random bodies never match; ' +
      'src/web/admin-models-api.test.ts publishes through it',
  ],
]);
