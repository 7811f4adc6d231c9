import { z } from 'zod';
import type { EventInput, ItemInput, UserInput } from '../records.js';

/**
 * genfeed's own import format: one JSON object per line, its `type` saying
 * what it is (docs/storage.md). Objects are strict, so a misspelt field is an
 * error instead of silently lost data. Times are unix milliseconds or ISO 8601
 * strings with a zone (`2026-01-05T08:00:00Z`).
 */
const time = z.union([
  z.number().int().nonnegative(),
  z.iso.datetime({ offset: true }).transform((text) => Date.parse(text)),
]);
const text = z.string().min(1);
const words = z.array(z.string());
const binary = z.union([z.literal(0), z.literal(1)], { error: 'expected 0 or 1' });
const milliseconds = z.number().nonnegative();

const signals = z.strictObject({
  click: binary.optional(),
  like: binary.optional(),
  follow: binary.optional(),
  comment: binary.optional(),
  forward: binary.optional(),
  hate: binary.optional(),
  longView: binary.optional(),
  profileEnter: binary.optional(),
  playTimeMs: milliseconds.optional(),
  durationMs: milliseconds.optional(),
  profileStayTimeMs: milliseconds.optional(),
  commentStayTimeMs: milliseconds.optional(),
});

export const jsonlItem = z.strictObject({
  type: z.literal('item'),
  id: text,
  author: text.optional(),
  caption: z.string().optional(),
  hashtags: words.optional(),
  durationMs: milliseconds.optional(),
  uploadTime: time.optional(),
  categories: words.optional(),
  tags: words.optional(),
  semanticId: z.array(z.number().int().nonnegative()).min(1).optional(),
  aiGenerated: z.boolean().optional(),
  hidden: z.boolean().optional(),
});

export const jsonlUser = z.strictObject({
  type: z.literal('user'),
  id: text,
  features: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});

export const jsonlEvent = z.strictObject({
  type: z.literal('event'),
  /** Default `<userId>:<itemId>:<time>`: re-importing the same line writes the same event. */
  id: text.optional(),
  userId: text,
  itemId: text,
  time,
  requestId: text.optional(),
  pipeline: text.optional(),
  position: z.number().int().nonnegative().optional(),
  experiment: text.optional(),
  label: z.number().optional(),
  signals: signals.optional(),
});

export const jsonlSchemas = { item: jsonlItem, user: jsonlUser, event: jsonlEvent } as const;

export type JsonlType = keyof typeof jsonlSchemas;

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
  parsed: z.infer<typeof jsonlItem> | z.infer<typeof jsonlUser> | z.infer<typeof jsonlEvent>,
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
