import { createRoute } from '@hono/zod-openapi';
import { type EventInput, eventId, type ItemInput, type UserInput } from '../../storage/index.js';
import { ApiError } from './errors.js';
import { jsonBody } from './json-body.js';
import { errorResponses, jsonContent } from './openapi-helpers.js';
import { ingestBodies, ingestResult, oneOrBatch } from './schemas.js';
import type { ServeApp, ServeContext } from './serve-context.js';

/** The routes that take batches: their body limit is `maxBodyBytes`, every other route's smaller (app.ts). */
export const INGEST_PATHS: readonly string[] = ['/v1/items', '/v1/users', '/v1/events'];

/** Unknown item ids listed in a 404 message, at most. */
const LISTED_IDS = 10;

/**
 * `POST /v1/items`, `/v1/users`, `/v1/events`: one record or a batch, upserted
 * by id in one transaction, answered only after it committed. Events for an
 * unknown item are refused (404 naming the ids: an item enters the catalogue
 * with its content, or it could never be recommended sensibly); events for an
 * unknown user create a bare user (a new install is a new user). Every field
 * has a declared bound (`storage/bounds.ts`); times lie in the limits' window.
 */
export function registerIngestRoutes(app: ServeApp, context: ServeContext): void {
  const { store, limits, metrics, attribution } = context;
  const body = [jsonBody()];
  const bodies = ingestBodies({ pastMs: limits.timeWindowPastMs, futureMs: limits.timeWindowFutureMs });
  const route = (path: string, schema: (typeof bodies)[keyof typeof bodies], what: string) =>
    createRoute({
      method: 'post',
      path,
      summary: `Ingest ${what}: one object or an array of up to ${limits.maxBatch}`,
      security: [{ bearer: [] }],
      middleware: body,
      request: { body: { required: true, content: jsonContent(oneOrBatch(schema, limits.maxBatch)) } },
      responses: {
        200: { description: 'Written durably (idempotent by id)', content: jsonContent(ingestResult) },
        ...errorResponses(400, 401, 403, 413, 415, ...(what === 'events' ? [404] : [])),
      },
    });

  app.openapi(route('/v1/items', bodies.item, 'items'), async (c) => {
    const items = lastById(asArray(c.req.valid('json')) as ItemInput[]);
    await store.upsertItems(items);
    metrics.ingested('items', items.length);
    return c.json({ accepted: items.length, ids: items.map((item) => item.id) }, 200);
  });

  app.openapi(route('/v1/users', bodies.user, 'users'), async (c) => {
    const users = lastById(asArray(c.req.valid('json')) as UserInput[]);
    await store.upsertUsers(users);
    metrics.ingested('users', users.length);
    return c.json({ accepted: users.length, ids: users.map((user) => user.id) }, 200);
  });

  app.openapi(route('/v1/events', bodies.event, 'events'), async (c) => {
    const parsed = asArray(c.req.valid('json')) as Array<Omit<EventInput, 'id'> & { id?: string }>;
    const events = lastById(
      parsed.map((event) => ({ ...event, id: event.id ?? eventId(event.userId, event.itemId, event.time) })),
    );
    const itemIds = [...new Set(events.map((event) => event.itemId))];
    const known = new Set((await store.getItems(itemIds)).map((item) => item.id));
    const unknownItems = itemIds.filter((id) => !known.has(id));
    if (unknownItems.length > 0) {
      const index = events.findIndex((event) => !known.has(event.itemId));
      const listed = unknownItems
        .slice(0, LISTED_IDS)
        .map((id) => JSON.stringify(id))
        .join(', ');
      const more = unknownItems.length > LISTED_IDS ? ` and ${unknownItems.length - LISTED_IDS} more` : '';
      const field = Array.isArray(c.req.valid('json')) ? `[${index}].itemId` : 'itemId';
      throw new ApiError(
        404,
        'unknown_items',
        `field "${field}": unknown item(s) ${listed}${more}; POST them to /v1/items first (nothing was stored)`,
        field,
      );
    }
    const userIds = [...new Set(events.map((event) => event.userId))];
    const knownUsers = new Set((await store.getUsers(userIds)).map((user) => user.id));
    await attribute(events, attribution);
    await store.upsertEvents(events, { createMissing: true });
    metrics.ingested('events', events.length);
    const createdUsers = userIds.filter((id) => !knownUsers.has(id));
    return c.json(
      {
        accepted: events.length,
        ids: events.map((event) => event.id),
        ...(createdUsers.length > 0 && { createdUsers }),
      },
      200,
    );
  });
}

function asArray<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/** One record per id, the last one of a batch winning (as if sent one by one). */
function lastById<T extends { id: string }>(records: readonly T[]): T[] {
  const byId = new Map<string, T>();
  for (const record of records) {
    byId.delete(record.id);
    byId.set(record.id, record);
  }
  return [...byId.values()];
}

/** Fills `pipeline` (and `experiment`) of events quoting a request id from the feed that request served. */
async function attribute(events: EventInput[], attribution: ServeContext['attribution']): Promise<void> {
  const requestIds = new Set(
    events
      .filter((event) => event.requestId !== undefined && event.pipeline === undefined)
      .map((event) => event.requestId!),
  );
  const found = new Map<string, Awaited<ReturnType<typeof attribution.lookup>>>();
  for (const requestId of requestIds) found.set(requestId, await attribution.lookup(requestId));
  for (const [index, event] of events.entries()) {
    if (event.requestId === undefined || event.pipeline !== undefined) continue;
    const served = found.get(event.requestId);
    if (served === undefined) continue;
    events[index] = {
      ...event,
      pipeline: served.pipeline,
      ...(event.experiment === undefined &&
        served.experiment !== undefined && { experiment: served.experiment }),
    };
  }
}
