import type { MiddlewareHandler } from 'hono';
import { type ApiKeys, allows, creatorOwns, type Scope } from './api-keys.js';
import { ApiError } from './errors.js';
import type { ServeEnv } from './serve-context.js';

const bearer = /^Bearer\s+(\S+)\s*$/i;

/**
 * Requires `Authorization: Bearer <key>` with a key holding `scope` (a
 * function of the request when the scope depends on the method). 401 without
 * a known key, 403 with a key that lacks the scope.
 */
export function requireScope(
  keys: ApiKeys,
  scope: Scope | ((method: string) => Scope),
): MiddlewareHandler<ServeEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (header === undefined) {
      c.header('WWW-Authenticate', 'Bearer');
      throw new ApiError(
        401,
        'unauthorized',
        'Missing header "Authorization: Bearer <API key>"',
        'Authorization',
      );
    }
    const key = bearer.exec(header)?.[1];
    const principal = key === undefined ? undefined : keys.authenticate(key);
    if (principal === undefined) {
      c.header('WWW-Authenticate', 'Bearer error="invalid_token"');
      const reason = key === undefined ? 'is not "Bearer <API key>"' : 'holds an unknown API key';
      throw new ApiError(401, 'unauthorized', `Header "Authorization" ${reason}`, 'Authorization');
    }
    const needed = typeof scope === 'function' ? scope(c.req.method) : scope;
    if (!allows(principal, needed)) {
      throw new ApiError(
        403,
        'forbidden',
        `API key "${principal.name}" lacks the "${needed}" scope this route needs`,
      );
    }
    if (principal.creator !== undefined && !creatorOwns(principal.creator, c.req.path)) {
      throw new ApiError(
        403,
        'forbidden',
        `API key "${principal.name}" belongs to creator "${principal.creator}": it may only read /v1/creators/${encodeURIComponent(principal.creator)}/...`,
      );
    }
    c.set('principal', principal);
    await next();
  };
}

/** `read` for GET and HEAD, `write` for everything else. */
export const scopeOfMethod = (method: string): Scope =>
  method === 'GET' || method === 'HEAD' ? 'read' : 'write';
