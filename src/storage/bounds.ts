import { z } from 'zod';

/**
 * The declared bound of every field a write may carry, as zod schemas: one
 * definition for `genfeed import` and the HTTP ingest routes (which state them
 * in the OpenAPI document: `maxLength`, `pattern`, `minimum`, `maximum`). A
 * value outside its bound is refused, never clamped: clamping would store a
 * number nobody sent. docs/serve.md has the table.
 */

const DAY_MS = 86_400_000;

/** Longest id (and creator, pipeline, experiment, request id); the same cap as the path ids, so every stored id can be read back. */
export const ID_MAX_LENGTH = 512;
/** Longest hashtag, category, tag or feature name. */
export const WORD_MAX_LENGTH = 200;
/** Longest caption (KuaiRec and TikTok captions are far shorter; imported descriptions can be long). */
export const CAPTION_MAX_LENGTH = 10_000;
/** Longest string value of a user feature. */
export const FEATURE_TEXT_MAX_LENGTH = 1000;
/** Most features on one user. */
export const MAX_FEATURES = 200;
/** Largest magnitude of a numeric user feature (counts such as fans stay far below it). */
export const FEATURE_NUMBER_LIMIT = 1e15;
/** Longest duration, play or stay time: a day. */
export const MAX_DURATION_MS = DAY_MS;
/**
 * An event's label: a rating (0.5-5, 1-10), 0/1 or -1/1, or a watch ratio
 * (KuaiRec's largest is about 570), all inside +-1000.
 */
export const LABEL_LIMIT = 1000;
/** Largest position in a served feed (feeds are at most 200 long; imported logs may be longer). */
export const MAX_POSITION = 10_000;
/** Most codes in a semantic ID (levels plus the disambiguation code) and the largest code. */
export const MAX_SEMANTIC_ID_LENGTH = 16;
export const MAX_SEMANTIC_CODE = 1_048_575;
/** Most entries of an item's lists. */
export const MAX_HASHTAGS = 100;
export const MAX_CATEGORIES = 10;
export const MAX_TAGS = 1000;
/** The last instant a JavaScript `Date` holds (year 275760): the type's own bound, the window below is tighter. */
export const MAX_DATE_MS = 8.64e15;

/**
 * Ids and names: no control character (U+0000-U+001F, U+007F-U+009F: NUL
 * cannot be stored by PostgreSQL, the others are invisible in logs and
 * dashboards) and at least one character that is not whitespace. Everything
 * else (spaces inside, `:`, `/`, any script, emoji) is allowed: ids are opaque.
 * The look-ahead scans once, so a long string cannot make the check slow.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what the pattern refuses
export const NAME_PATTERN = /^(?=[\s\S]*\S)[^\u0000-\u001f\u007f-\u009f]*$/;
/** Free text (captions, feature values): line breaks and tabs allowed, no other control character. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what the pattern refuses
export const TEXT_PATTERN = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;

const nameError = 'must not be blank or contain control characters';

/** An id or a name of at most `maxLength` characters (`NAME_PATTERN`). */
export function nameSchema(maxLength = ID_MAX_LENGTH) {
  return z
    .string()
    .min(1, { error: 'must not be empty' })
    .max(maxLength, { error: `must be at most ${maxLength} characters` })
    .regex(NAME_PATTERN, { error: nameError });
}

/** Free text of at most `maxLength` characters (`TEXT_PATTERN`). */
export function textSchema(maxLength: number) {
  return z
    .string()
    .max(maxLength, { error: `must be at most ${maxLength} characters` })
    .regex(TEXT_PATTERN, { error: 'must not contain control characters other than tab and line breaks' });
}

/** A finite number in [min, max], saying so when it is not. */
export function rangeSchema(min: number, max: number, options: { integer?: boolean } = {}) {
  const what = options.integer ? 'a whole number' : 'a number';
  const error = `expected ${what} from ${min} to ${max}`;
  const number = z.number({ error }).min(min, { error }).max(max, { error });
  return options.integer ? number.int({ error }) : number;
}

export const idSchema = nameSchema();
export const wordSchema = nameSchema(WORD_MAX_LENGTH);
export const durationSchema = rangeSchema(0, MAX_DURATION_MS);
export const binarySchema = z.union([z.literal(0), z.literal(1)], { error: 'expected 0 or 1' });
export const labelSchema = rangeSchema(-LABEL_LIMIT, LABEL_LIMIT);
export const positionSchema = rangeSchema(0, MAX_POSITION, { integer: true });
export const semanticIdSchema = z
  .array(rangeSchema(0, MAX_SEMANTIC_CODE, { integer: true }))
  .min(1)
  .max(MAX_SEMANTIC_ID_LENGTH);
export const featuresSchema = z
  .record(
    wordSchema,
    z.union([textSchema(FEATURE_TEXT_MAX_LENGTH), rangeSchema(-FEATURE_NUMBER_LIMIT, FEATURE_NUMBER_LIMIT)]),
  )
  .refine((features) => Object.keys(features).length <= MAX_FEATURES, {
    error: `expected at most ${MAX_FEATURES} features`,
  })
  .meta({
    maxProperties: MAX_FEATURES,
    propertyNames: { type: 'string', maxLength: WORD_MAX_LENGTH, pattern: NAME_PATTERN.source },
  });

/**
 * How far a time may lie from now. Live writes are about now: a time years
 * back or ahead is a unit or clock mistake (seconds for ms, year 9999) and
 * would move the dashboard's window to where nothing is.
 */
export interface TimeWindow {
  /** Earliest accepted time, before now (never before 1970: times are not negative). `Infinity`: back to 1970. */
  pastMs: number;
  /** Latest accepted time, after now. */
  futureMs: number;
}

/** The HTTP default: 10 years back, 1 day ahead (clock skew between devices). */
export const defaultTimeWindow: Readonly<TimeWindow> = { pastMs: 3653 * DAY_MS, futureMs: DAY_MS };

/** The import default: back to 1970 (research logs are old; undated interactions are stored at 0), 1 day ahead. */
export const importTimeWindow: Readonly<TimeWindow> = { pastMs: Number.POSITIVE_INFINITY, futureMs: DAY_MS };

/** The window's first and last accepted unix ms at `now`. */
export function timeRange(window: TimeWindow, now: number): [number, number] {
  return [Math.max(0, now - window.pastMs), Math.min(MAX_DATE_MS, now + window.futureMs)];
}

/**
 * A time: unix ms or ISO 8601 with a zone (`2026-01-05T08:00:00Z`), as unix
 * ms inside `window` around the clock at the moment of the check. The
 * OpenAPI bounds are the type's (1970 to `MAX_DATE_MS`); the window is in the
 * description, since a JSON Schema bound cannot move with the clock.
 */
export function timeSchema(window: TimeWindow = defaultTimeWindow) {
  const days = (ms: number) => `${ms / DAY_MS} day${ms === DAY_MS ? '' : 's'}`;
  const back = Number.isFinite(window.pastMs) ? `${days(window.pastMs)} back` : 'back to 1970';
  return z
    .union(
      [
        z.number().meta({ type: 'integer', minimum: 0, maximum: MAX_DATE_MS }),
        z.iso
          .datetime({ offset: true })
          .max(40)
          .transform((text) => Date.parse(text)),
      ],
      { error: 'expected unix ms or an ISO 8601 time with a zone, e.g. 2026-01-05T08:00:00Z' },
    )
    .check((context) => {
      const time = context.value;
      const [from, until] = timeRange(window, Date.now());
      if (Number.isInteger(time) && time >= from && time <= until) return;
      const got =
        Number.isFinite(time) && Math.abs(time) <= MAX_DATE_MS ? new Date(time).toISOString() : time;
      context.issues.push({
        code: 'custom',
        input: time,
        message: Number.isInteger(time)
          ? `expected a time from ${new Date(from).toISOString()} to ${new Date(until).toISOString()}, got ${got}`
          : `expected whole unix milliseconds, got ${time}`,
      });
    })
    .meta({
      description: `unix ms or ISO 8601 with a zone, inside a window around the clock at the check: ${back}, ${days(window.futureMs)} ahead`,
    });
}
