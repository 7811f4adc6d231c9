import { createRoute, z } from '@hono/zod-openapi';
import type { InsightsService } from '../../insights/index.js';
import { ApiError } from './errors.js';
import { errorResponses, jsonContent } from './openapi-helpers.js';
import { idParam, itemRecord } from './schemas.js';
import type { ServeApp } from './serve-context.js';

export const itemTagsResponse = z
  .object({
    itemId: z.string(),
    tagger: z.string().openapi({ example: 'embedded' }),
    categories: z.array(z.string()).openapi({ description: 'category path, coarse to fine' }),
    categorySource: z.enum(['tagger', 'store', 'none']).openapi({
      description: "tagger: predicted by the tagger's category model; store: it has none, the stored path",
    }),
    tags: z.object({
      elements: z.array(z.string()),
      actions: z.array(z.string()),
      emotions: z.array(z.string()),
    }),
    language: z.enum(['zh', 'en', 'mixed', 'other']),
    topics: z.array(z.string()).openapi({ description: 'the hashtags cleaned: promotional ones dropped' }),
    aiGenerated: z.boolean().optional().openapi({ description: 'present only when known' }),
    keywords: z.array(z.string()),
    sentiment: z.number().openapi({ description: 'in [-1, 1]' }),
    vectorDim: z.number().int().openapi({ description: 'size of the content vector (not returned)' }),
    notes: z.array(z.string()).openapi({ description: 'what the tagger could not do' }),
  })
  .openapi('ItemTags');

export const storedTagsResponse = z
  .object({ tags: itemTagsResponse, item: itemRecord })
  .openapi('StoredItemTags');

export type ItemTagsResponse = z.infer<typeof itemTagsResponse>;
export type StoredTagsResponse = z.infer<typeof storedTagsResponse>;

const notFound = (id: string) => new ApiError(404, 'not_found', `Item ${JSON.stringify(id)} not found`, 'id');

/**
 * `GET /v1/items/{id}/tags` (read): the tagger's reading of a stored item,
 * computed on demand and cached. `POST /v1/items/{id}/tags` (write, no body):
 * the same, written into the item's `tags`, `categories` and `aiGenerated`.
 */
export function registerContentRoutes(app: ServeApp, insights: InsightsService): void {
  const security = [{ bearer: [] }];
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/items/{id}/tags',
      summary:
        'Content understanding of an item: category path, element/action/emotion tags, language, cleaned topics',
      security,
      request: { params: idParam },
      responses: {
        200: { description: "The tagger's reading (cached)", content: jsonContent(itemTagsResponse) },
        ...errorResponses(400, 401, 403, 404, 503),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const tags = await insights.itemTags(id);
      if (tags === undefined) throw notFound(id);
      return c.json(tags, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/items/{id}/tags',
      summary: 'Tag an item and store the result in its record (tags, categories, aiGenerated)',
      description:
        'No body. `tags` becomes the elements, actions and emotions; `categories` the predicted path (left as it was when the tagger has no category model); `aiGenerated` is set only when the tagger can tell.',
      security,
      request: { params: idParam },
      responses: {
        200: { description: 'The tags and the item as stored', content: jsonContent(storedTagsResponse) },
        ...errorResponses(400, 401, 403, 404, 503),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const stored = await insights.storeItemTags(id);
      if (stored === undefined) throw notFound(id);
      return c.json(stored, 200);
    },
  );
}
