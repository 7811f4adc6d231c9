import { z } from '@hono/zod-openapi';
import { ID_MAX_LENGTH, jsonlSchemas, type TimeWindow } from '../../storage/index.js';

/**
 * The request and response bodies of the HTTP API. Ingest bodies are the JSONL
 * import lines of the storage module without their `type` key, so a record
 * means the same, within the same bounds (`storage/bounds.ts`), whether it
 * arrives by `genfeed import` or by HTTP.
 */

/** Most records one ingest request may carry (the body limit also applies). */
export const DEFAULT_MAX_BATCH = 1000;

/** The ingest bodies, their times accepted inside `window` around the server's clock. */
export function ingestBodies(window: TimeWindow) {
  const jsonl = jsonlSchemas(window);
  return {
    item: jsonl.item.omit({ type: true }).openapi('Item'),
    user: jsonl.user.omit({ type: true }).openapi('User'),
    event: jsonl.event.omit({ type: true }).openapi('Event'),
  } as const;
}

type IngestBodies = ReturnType<typeof ingestBodies>;

/** One record or a batch of them (1 to `maxBatch`). */
export function oneOrBatch<T extends z.ZodType>(record: T, maxBatch: number) {
  return z.union([record, z.array(record).min(1).max(maxBatch)], {
    error: `expected a JSON object or an array of 1 to ${maxBatch} of them`,
  });
}

export const errorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid_input' }),
      message: z.string().openapi({ example: 'field "signals.click": expected 0 or 1' }),
      field: z.string().optional().openapi({ example: 'signals.click' }),
    }),
  })
  .openapi('Error');

export const ingestResult = z
  .object({
    accepted: z.number().int().openapi({ description: 'records written (durably) by this request' }),
    ids: z.array(z.string()),
    createdUsers: z
      .array(z.string())
      .optional()
      .openapi({ description: 'events only: users that did not exist and were created bare' }),
  })
  .openapi('IngestResult');

export const itemRecord = z
  .object({
    id: z.string(),
    author: z.string().optional(),
    caption: z.string().optional(),
    hashtags: z.array(z.string()),
    durationMs: z.number().optional(),
    uploadTime: z.number().optional(),
    categories: z.array(z.string()),
    tags: z.array(z.string()),
    semanticId: z.array(z.number().int()).optional(),
    aiGenerated: z.boolean(),
    hidden: z.boolean(),
    updatedAt: z.number(),
  })
  .openapi('ItemRecord');

export const userRecord = z
  .object({
    id: z.string(),
    features: z.record(z.string(), z.union([z.string(), z.number()])),
    updatedAt: z.number(),
  })
  .openapi('UserRecord');

export const feedItem = z.object({
  itemId: z.string(),
  score: z.number(),
  scores: z.record(z.string(), z.number()).optional(),
  source: z.string().optional(),
});

export const stageCost = z.object({ latencyMs: z.number(), cpuMs: z.number() });

export const feedResponse = z
  .object({
    requestId: z.string().openapi({ description: 'quote it in the events of these items' }),
    userId: z.string(),
    pipeline: z.string().openapi({ example: 'generative' }),
    experiment: z.string().optional(),
    items: z.array(feedItem),
    latencyMs: z.number(),
    cpuMs: z.number(),
    stages: z.record(z.string(), stageCost),
  })
  .openapi('Feed');

export const similarResponse = z
  .object({
    itemId: z.string(),
    items: z.array(z.object({ itemId: z.string(), score: z.number() })),
  })
  .openapi('SimilarItems');

export const pipelineStatus = z.object({
  name: z.string(),
  modelVersion: z.string().optional(),
  ready: z.boolean(),
});

export const healthResponse = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    store: z.object({ backend: z.string(), ok: z.boolean(), message: z.string().optional() }).optional(),
    pipelines: z.array(pipelineStatus).optional(),
  })
  .openapi('Health');

/**
 * Path ids: any non-empty string up to 512 characters (ids are opaque to the
 * server). Wider than the ids a write accepts (no control characters, not
 * blank), so every stored id can be read back.
 */
export const idParam = z.object({
  id: z
    .string()
    .min(1)
    .max(ID_MAX_LENGTH)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is the one character ids must not hold (PostgreSQL text cannot store it)
    .regex(/^[^\u0000]*$/, { error: 'must not contain a NUL character' })
    .openapi({ param: { name: 'id', in: 'path' }, example: 'v1' }),
});

/** `?n=`: a plain decimal count (no `1e3`, `0x10` or `1.0`), 1 to `maxCount`. */
export function countQuery(defaultCount: number, maxCount: number) {
  return z.strictObject({
    n: z
      .string()
      .regex(/^\d{1,9}$/, { error: `expected a whole number from 1 to ${maxCount}` })
      .optional()
      .transform((text) => (text === undefined ? defaultCount : Number(text)))
      .pipe(z.number().int().min(1).max(maxCount))
      .openapi({ param: { name: 'n', in: 'query' }, example: String(defaultCount) }),
  });
}

export type ItemBody = z.infer<IngestBodies['item']>;
export type UserBody = z.infer<IngestBodies['user']>;
export type EventBody = z.input<IngestBodies['event']>;
export type IngestResult = z.infer<typeof ingestResult>;
export type ItemResponse = z.infer<typeof itemRecord>;
export type UserResponse = z.infer<typeof userRecord>;
export type FeedResponse = z.infer<typeof feedResponse>;
export type SimilarResponse = z.infer<typeof similarResponse>;
export type HealthResponse = z.infer<typeof healthResponse>;
export type ErrorBody = z.infer<typeof errorBody>;
