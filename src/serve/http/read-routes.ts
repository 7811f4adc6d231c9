import { createRoute } from '@hono/zod-openapi';
import { ApiError } from './errors.js';
import { errorResponses, jsonContent } from './openapi-helpers.js';
import { countQuery, feedResponse, idParam, itemRecord, similarResponse, userRecord } from './schemas.js';
import type { ServeApp, ServeContext } from './serve-context.js';

/** `GET /v1/items/{id}`, `/v1/users/{id}`, `/v1/users/{id}/feed`, `/v1/items/{id}/similar`. */
export function registerReadRoutes(app: ServeApp, context: ServeContext): void {
  const { store, feeds, limits, metrics, attribution } = context;
  const count = countQuery(limits.defaultCount, limits.maxCount);
  const security = [{ bearer: [] }];

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/items/{id}',
      summary: 'One item of the catalogue',
      security,
      request: { params: idParam },
      responses: {
        200: { description: 'The item', content: jsonContent(itemRecord) },
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const item = await store.getItem(id);
      if (item === undefined)
        throw new ApiError(404, 'not_found', `Item ${JSON.stringify(id)} not found`, 'id');
      return c.json(item, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/users/{id}',
      summary: 'One user',
      security,
      request: { params: idParam },
      responses: {
        200: { description: 'The user', content: jsonContent(userRecord) },
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const user = await store.getUser(id);
      if (user === undefined)
        throw new ApiError(404, 'not_found', `User ${JSON.stringify(id)} not found`, 'id');
      return c.json(user, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/users/{id}/feed',
      summary: 'A feed for the user: items not shown to them recently, logged before it is answered',
      description:
        'Unknown users get the cold-start feed. Quote `requestId` in the events of these items so they are attributed to the pipeline.',
      security,
      request: { params: idParam, query: count },
      responses: {
        200: { description: 'The feed', content: jsonContent(feedResponse) },
        ...errorResponses(400, 401, 403, 503),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { n } = c.req.valid('query');
      const served = await feeds.feed(id, n);
      metrics.feed(served);
      attribution.remember(served.requestId, {
        pipeline: served.pipeline,
        ...(served.experiment !== undefined && { experiment: served.experiment }),
      });
      return c.json(
        {
          requestId: served.requestId,
          userId: served.userId,
          pipeline: served.pipeline,
          ...(served.experiment !== undefined && { experiment: served.experiment }),
          items: served.items.map((item) => ({
            itemId: item.itemId,
            score: item.score,
            ...(item.scores !== undefined && { scores: item.scores }),
            ...(item.source !== undefined && { source: item.source }),
          })),
          latencyMs: served.latencyMs,
          cpuMs: served.cpuMs,
          stages: served.stages,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/items/{id}/similar',
      summary: 'Items similar to this one',
      security,
      request: { params: idParam, query: count },
      responses: {
        200: { description: 'Similar items, most similar first', content: jsonContent(similarResponse) },
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { n } = c.req.valid('query');
      const items = await feeds.similar(id, n);
      return c.json({ itemId: id, items: items.map(({ itemId, score }) => ({ itemId, score })) }, 200);
    },
  );
}
