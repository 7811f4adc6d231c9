import { OpenAPIHono } from '@hono/zod-openapi';
import { matchedRoutes } from 'hono/route';
import { secureHeaders } from 'hono/secure-headers';
import { type Logger, silentLogger } from '../core/index.js';
import { type InsightsOptions, InsightsService } from '../insights/index.js';
import type { Store } from '../storage/index.js';
import type { FeedSource } from './feed-source.js';
import type { ApiKeys } from './http/api-keys.js';
import { answerError, validationHook } from './http/api-router.js';
import { requireScope, scopeOfMethod } from './http/auth.js';
import { bodyLimits } from './http/body-limits.js';
import { registerContentRoutes } from './http/content-routes.js';
import { READ_ONLY_POST, registerCreatorRoutes } from './http/creator-routes.js';
import { ApiError, errorResponse } from './http/errors.js';
import { registerHealthRoutes } from './http/health-routes.js';
import { INGEST_PATHS, registerIngestRoutes } from './http/ingest-routes.js';
import { ServeMetrics } from './http/metrics.js';
import { registerReadRoutes } from './http/read-routes.js';
import { RequestAttribution } from './http/request-attribution.js';
import {
  defaultLimits,
  MODEL_UPLOAD_ROUTE,
  type ServeApp,
  type ServeContext,
  type ServeEnv,
  type ServeLimits,
} from './http/serve-context.js';

export interface AppOptions {
  store: Store;
  feeds: FeedSource;
  keys: ApiKeys;
  limits?: Partial<ServeLimits>;
  /** 500s and store outages are logged here. Default silent. */
  logger?: Logger;
  /** Default: a fresh registry with process metrics. */
  metrics?: ServeMetrics;
  /** Who may read `/metrics`: keys with the admin scope (default) or anyone (`open`, for a private scrape network). */
  metricsAccess?: 'admin' | 'open';
  /** The `info` of the OpenAPI document. */
  version?: string;
  /** Item tags and the creator assistant (tagger, window bounds, cache TTL); default: the embedded tagger, 28 days. */
  insights?: InsightsOptions | InsightsService;
}

/** Route label of requests that matched no route (so unknown paths cannot grow the label set). */
const UNMATCHED = 'unmatched';

/**
 * The HTTP API (docs/serve.md): ingest, reads, feeds, health, metrics and the
 * OpenAPI document, all errors as `{ error: { code, message, field? } }`.
 */
export function createApp(options: AppOptions): ServeApp {
  const limits = { ...defaultLimits, ...options.limits };
  const logger = options.logger ?? silentLogger;
  const metrics = options.metrics ?? new ServeMetrics();
  const context: ServeContext = {
    store: options.store,
    feeds: options.feeds,
    limits,
    metrics,
    logger,
    attribution: new RequestAttribution(options.store),
  };

  const app: ServeApp = new OpenAPIHono<ServeEnv>({ defaultHook: validationHook });

  // Bodies are JSON (or Prometheus text): a browser must never sniff an id echoed in a
  // message as HTML, frame a response, or run anything from one. A route that sets its
  // own policy (the dashboard's pages, mounted on this app) keeps it.
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      xFrameOptions: 'DENY',
      referrerPolicy: 'same-origin',
      strictTransportSecurity: false,
      overwrite: false,
    }),
  );
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    const route = matchedRoutes(c).findLast((matched) => matched.method !== 'ALL')?.path ?? UNMATCHED;
    metrics.request(c.req.method, route, c.res.status, (performance.now() - started) / 1000);
  });
  // Before authentication too: an unauthenticated body (the dashboard's login form) is limited as well.
  const otherBodyBytes = Math.min(limits.maxOtherBodyBytes, limits.maxBodyBytes);
  app.use(
    '*',
    bodyLimits((route) =>
      INGEST_PATHS.includes(route)
        ? limits.maxBodyBytes
        : route === MODEL_UPLOAD_ROUTE
          ? limits.maxModelBytes
          : otherBodyBytes,
    ),
  );
  const byMethod = requireScope(options.keys, scopeOfMethod);
  const readOnly = requireScope(options.keys, 'read');
  app.use('/v1/*', (c, next) =>
    c.req.method === 'POST' && READ_ONLY_POST.test(c.req.path) ? readOnly(c, next) : byMethod(c, next),
  );
  if ((options.metricsAccess ?? 'admin') === 'admin')
    app.use('/metrics', requireScope(options.keys, 'admin'));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key with the read (GET), write (POST) or admin (everything, /metrics) scope',
  });
  registerIngestRoutes(app, context);
  registerReadRoutes(app, context);
  registerHealthRoutes(app, context);
  const insights =
    options.insights instanceof InsightsService
      ? options.insights
      : new InsightsService(options.store, options.insights);
  registerContentRoutes(app, insights);
  registerCreatorRoutes(app, insights);

  app.get('/metrics', async (c) => {
    metrics.pipelines(context.feeds.pipelines());
    return c.body(await metrics.text(), 200, { 'Content-Type': metrics.contentType });
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'genfeed',
      version: options.version ?? '0',
      description:
        'Ingest a short-video catalogue and its behaviour; serve feeds. Errors: { error: { code, message, field? } }.',
    },
  });

  app.notFound((c) => {
    const allowed = allowedMethods(app, c.req.path);
    if (allowed.length > 0) {
      c.header('Allow', allowed.join(', '));
      return errorResponse(
        c,
        new ApiError(
          405,
          'method_not_allowed',
          `Method ${c.req.method} is not allowed on ${c.req.path}; use ${allowed.join(' or ')}`,
        ),
      );
    }
    return errorResponse(
      c,
      new ApiError(404, 'not_found', `No route ${c.req.method} ${c.req.path.slice(0, 200)}`),
    );
  });
  app.onError((error, c) => answerError(error, c, logger));
  return app;
}

/** Methods of the routes whose pattern matches `path` (for a 405 instead of a 404). */
function allowedMethods(app: ServeApp, path: string): string[] {
  const methods = new Set<string>();
  for (const route of app.routes) {
    if (route.method === 'ALL' || route.path.includes('*')) continue;
    const pattern = new RegExp(
      `^${route.path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[^/]+/g, '[^/]+')}$`,
    );
    if (pattern.test(path)) methods.add(route.method);
  }
  return [...methods];
}
