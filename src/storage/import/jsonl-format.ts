import { z } from 'zod';
import {
  binarySchema,
  CAPTION_MAX_LENGTH,
  durationSchema,
  featuresSchema,
  idSchema,
  labelSchema,
  MAX_CATEGORIES,
  MAX_HASHTAGS,
  MAX_TAGS,
  positionSchema,
  semanticIdSchema,
  type TimeWindow,
  textSchema,
  timeSchema,
  wordSchema,
} from '../bounds.js';
import type { EventInput, ItemInput, UserInput } from '../records.js';

/**
 * genfeed's own import format: one JSON object per line, its `type` saying
 * what it is (docs/storage.md). Objects are strict, so a misspelt field is an
 * error instead of silently lost data. Times are unix milliseconds or ISO 8601
 * strings with a zone (`2026-01-05T08:00:00Z`) inside `window`; every other
 * field has its bound in `bounds.ts`.
 */
export function jsonlSchemas(window: TimeWindow) {
  const time = timeSchema(window);
  const words = (most: number) => z.array(wordSchema).max(most);
  const signals = z.strictObject({
    click: binarySchema.optional(),
    like: binarySchema.optional(),
    follow: binarySchema.optional(),
    comment: binarySchema.optional(),
    forward: binarySchema.optional(),
    hate: binarySchema.optional(),
    longView: binarySchema.optional(),
    profileEnter: binarySchema.optional(),
    playTimeMs: durationSchema.optional(),
    durationMs: durationSchema.optional(),
    profileStayTimeMs: durationSchema.optional(),
    commentStayTimeMs: durationSchema.optional(),
  });

  const item = z.strictObject({
    type: z.literal('item'),
    id: idSchema,
    author: idSchema.optional(),
    caption: textSchema(CAPTION_MAX_LENGTH).optional(),
    hashtags: words(MAX_HASHTAGS).optional(),
    durationMs: durationSchema.optional(),
    uploadTime: time.optional(),
    categories: words(MAX_CATEGORIES).optional(),
    tags: words(MAX_TAGS).optional(),
    semanticId: semanticIdSchema.optional(),
    aiGenerated: z.boolean().optional(),
    hidden: z.boolean().optional(),
  });

  const user = z.strictObject({
    type: z.literal('user'),
    id: idSchema,
    features: featuresSchema.optional(),
  });

  const event = z.strictObject({
    type: z.literal('event'),
    /** Default `<userId>:<itemId>:<time>`: re-importing the same line writes the same event. */
    id: idSchema.optional(),
    userId: idSchema,
    itemId: idSchema,
    time,
    requestId: idSchema.optional(),
    pipeline: idSchema.optional(),
    position: positionSchema.optional(),
    experiment: idSchema.optional(),
    label: labelSchema.optional(),
    signals: signals.optional(),
  });

  return { item, user, event } as const;
}

export type JsonlSchemas = ReturnType<typeof jsonlSchemas>;

export type JsonlType = keyof JsonlSchemas;

/** One line of a JSONL import, as the store takes it. */
export type ImportRecord =
  | { type: 'item'; item: ItemInput }
  | { type: 'user'; user: UserInput }
  | { type: 'event'; event: EventInput };

/**
 * A validated line, without its `type` key, as a store record. The casts only
 * drop zod's `| undefined` on optional keys: JSON has no undefined, so a parsed
 * line never holds a key set to it.
 */
export function toImportRecord(
  parsed: z.infer<JsonlSchemas['item']> | z.infer<JsonlSchemas['user']> | z.infer<JsonlSchemas['event']>,
): ImportRecord {
  if (parsed.type === 'item') {
    const { type: _type, ...item } = parsed;
    return { type: 'item', item: item as ItemInput };
  }
  if (parsed.type === 'user') {
    const { type: _type, ...user } = parsed;
    return { type: 'user', user: user as UserInput };
  }
  const { type: _type, id, ...event } = parsed;
  return {
    type: 'event',
    event: { ...event, id: id ?? eventId(event.userId, event.itemId, event.time) } as EventInput,
  };
}

/** The id of an event its source gives none: user, item and time, so a re-import writes the same row. */
export function eventId(userId: string, itemId: string, time: number): string {
  return `${userId}:${itemId}:${time}`;
}
