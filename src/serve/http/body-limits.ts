import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { matchedRoutes } from 'hono/route';
import { payloadTooLarge } from './errors.js';

/**
 * One body limit on every route of an app, routes mounted later included:
 * `limitOf(routePath)` gives each its own (the path as registered, e.g.
 * `/v1/creators/:id/titles`; '' for a request no route matches). It runs
 * before anything reads the body and counts the bytes as they arrive (hono's
 * `bodyLimit`: a declared Content-Length is checked up front, a chunked body is
 * cut off at the limit), so an oversized body is never buffered whole.
 */
export function bodyLimits(limitOf: (routePath: string) => number): MiddlewareHandler {
  const bySize = new Map<number, MiddlewareHandler>();
  const limiter = (maxSize: number) => {
    let middleware = bySize.get(maxSize);
    if (middleware === undefined) {
      middleware = bodyLimit({ maxSize, onError: () => Promise.reject(payloadTooLarge(maxSize)) });
      bySize.set(maxSize, middleware);
    }
    return middleware;
  };
  return (c, next) => {
    const route = matchedRoutes(c).findLast((matched) => matched.method !== 'ALL')?.path ?? '';
    return limiter(limitOf(route))(c, next);
  };
}
