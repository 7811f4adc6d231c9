import { createRoute } from '@hono/zod-openapi';
import { errorResponses, jsonContent } from './openapi-helpers.js';
import { healthResponse } from './schemas.js';
import type { ServeApp, ServeContext } from './serve-context.js';

/** How long `/health/ready` waits for the store before calling it unavailable. */
const STORE_CHECK_MS = 2000;

/**
 * `/health/live` (the process answers) and `/health/ready` (the store answers
 * and at least one pipeline can serve): open, for load balancers and probes.
 */
export function registerHealthRoutes(app: ServeApp, context: ServeContext): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/health/live',
      summary: 'The process is up',
      responses: { 200: { description: 'Alive', content: jsonContent(healthResponse) } },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/health/ready',
      summary: 'The store answers and at least one feed pipeline is ready',
      responses: {
        200: { description: 'Ready to serve', content: jsonContent(healthResponse) },
        503: { description: 'Not ready (the body says what is not)', content: jsonContent(healthResponse) },
        ...errorResponses(),
      },
    }),
    async (c) => {
      const { store, feeds } = context;
      let storeOk = true;
      let message: string | undefined;
      try {
        await withTimeout(store.check(), STORE_CHECK_MS);
      } catch (error) {
        storeOk = false;
        message = error instanceof Error ? error.message : String(error);
        context.logger.warn(`/health/ready: store ${store.location}: ${message}`);
      }
      const pipelines = feeds.pipelines();
      const ready = storeOk && pipelines.some((pipeline) => pipeline.ready);
      const body = {
        status: ready ? ('ok' as const) : ('unavailable' as const),
        store: { backend: store.backend, ok: storeOk, ...(message !== undefined && { message }) },
        pipelines: pipelines.map((pipeline) => ({
          name: pipeline.name,
          ready: pipeline.ready,
          ...(pipeline.modelVersion !== undefined && { modelVersion: pipeline.modelVersion }),
        })),
      };
      return ready ? c.json(body, 200) : c.json(body, 503);
    },
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
