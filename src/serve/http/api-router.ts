import { OpenAPIHono, type OpenAPIHonoOptions } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { type Logger, silentLogger } from '../../core/index.js';
import {
  CLIENT_CLOSED_REQUEST,
  errorResponse,
  isClientAbort,
  toApiError,
  validationError,
} from './errors.js';
import type { ServeApp, ServeEnv } from './serve-context.js';

/** The answer to anything a route throws: the API's error body, or nothing for a client that hung up. */
export function answerError(error: unknown, c: Context, logger: Logger): Response {
  const where = `${c.req.method} ${c.req.path}`;
  if (isClientAbort(error, c.req.raw)) {
    logger.info(`${where}: client aborted the request`);
    return new Response(null, { status: CLIENT_CLOSED_REQUEST });
  }
  return errorResponse(c, toApiError(error, logger, where));
}

/** What a schema refused: a 400 naming the field (zod-openapi's `defaultHook`). */
export const validationHook: NonNullable<OpenAPIHonoOptions<ServeEnv>['defaultHook']> = (result, c) => {
  if (!result.success) return errorResponse(c, validationError(result.error, result.target));
};

/**
 * An app for routes defined elsewhere (the dashboard's JSON API) that answers
 * like the API's own: the same validation and error bodies whichever app it is
 * mounted on, and its routes join that app's OpenAPI document when it is
 * serve's (`app.route('/', router)`).
 */
export function apiRouter(logger: Logger = silentLogger): ServeApp {
  const router: ServeApp = new OpenAPIHono<ServeEnv>({ defaultHook: validationHook });
  router.onError((error, c) => answerError(error, c, logger));
  return router;
}
