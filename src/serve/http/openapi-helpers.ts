import type { z } from '@hono/zod-openapi';
import { errorBody } from './schemas.js';

export function jsonContent<T extends z.ZodType>(schema: T) {
  return { 'application/json': { schema } };
}

const descriptions: Record<number, string> = {
  400: 'Invalid request: the message names the field',
  401: 'Missing or unknown API key',
  403: 'The API key lacks the scope',
  404: 'Not found: the message names the id',
  413: 'Body larger than the limit',
  415: 'Body is not application/json',
  503: 'The store is unavailable',
};

/** The documented error responses of a route; every one has the `Error` body. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: descriptions[status] ?? 'Error', content: jsonContent(errorBody) },
    ]),
  );
}
