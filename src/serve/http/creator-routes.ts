import { createRoute, z } from '@hono/zod-openapi';
import { type InsightsService, InsufficientDataError } from '../../insights/index.js';
import { nameSchema, TEXT_PATTERN, WORD_MAX_LENGTH } from '../../storage/index.js';
import { ApiError } from './errors.js';
import { jsonBody } from './json-body.js';
import { errorResponses, jsonContent } from './openapi-helpers.js';
import { idParam } from './schemas.js';
import type { ServeApp } from './serve-context.js';

/** POST routes that only read (they need the read scope, not write): the title suggestions. */
export const READ_ONLY_POST = /^\/v1\/creators\/[^/]+\/titles$/;

const windowSummary = z
  .object({
    since: z.number().openapi({ description: 'unix ms: start of the log window the answer rests on' }),
    until: z.number(),
    events: z.number().int(),
    items: z.number().int(),
    shortened: z
      .boolean()
      .openapi({ description: 'the window held too many events; only its latest part was read' }),
  })
  .openapi('InsightsWindow');

const trend = z.object({
  topic: z.string().openapi({ example: '#露营', description: '#hashtag or category:<name>' }),
  count: z.number().openapi({ description: 'distinct users per bin, summed over the last day' }),
  previousCount: z.number(),
  growthPercent: z.number(),
  expected: z.number(),
  peakZ: z.number().nullable().openapi({ description: 'null while the seasonal baseline warms up' }),
  burstBins: z.number().int(),
  similarity: z.number().openapi({ description: "cosine to the creator's niche" }),
  own: z.boolean().openapi({ description: 'the creator already uses the topic' }),
  score: z.number(),
});

export const creatorTrendsResponse = z
  .object({
    creatorId: z.string(),
    bin: z.enum(['hour', 'day']),
    window: windowSummary,
    trends: z.array(trend),
  })
  .openapi('CreatorTrends');

export const postingTimesResponse = z
  .object({
    creatorId: z.string(),
    utcOffsetHours: z.number(),
    fans: z.number().int().openapi({ description: 'fans the advice rests on; 0: no windows' }),
    events: z.number().openapi({ description: 'their recency-weighted events' }),
    windows: z.array(
      z.object({
        start: z.number().int().openapi({ description: 'hour of week, 0 = Monday 00:00 local' }),
        hours: z.number().int(),
        label: z.string().openapi({ example: 'Fri 20:00-22:00' }),
        activityShare: z.number(),
        score: z.number(),
      }),
    ),
    window: windowSummary,
  })
  .openapi('PostingTimes');

export const titlesRequest = z
  .strictObject({
    caption: z
      .string()
      .trim()
      .min(1, { error: 'must not be empty' })
      .max(2000)
      .regex(TEXT_PATTERN, { error: 'must not contain control characters other than tab and line breaks' }),
    hashtags: z.array(nameSchema(WORD_MAX_LENGTH)).max(50).optional(),
    categories: z
      .array(nameSchema(WORD_MAX_LENGTH))
      .max(3)
      .optional()
      .openapi({ description: 'coarse first' }),
    n: z.number().int().min(1).max(20).optional().openapi({ description: 'titles to suggest (default 5)' }),
  })
  .openapi('TitlesRequest');

/** One suggested title: mined from the creator's best items or written by the language model. */
export const suggestedTitle = z.object({
  title: z.string(),
  source: z.enum(['mined', 'llm']),
  predicted: z.number().optional(),
  itemId: z.string().optional(),
  similarity: z.number().optional(),
  engagement: z.number().optional(),
});

export const titlesResponse = z
  .object({
    creatorId: z.string(),
    draftPredicted: z.number().optional().openapi({ description: "the draft's P(high engagement)" }),
    titles: z.array(suggestedTitle),
    window: windowSummary,
  })
  .openapi('TitleSuggestions');

export type CreatorTrendsResponse = z.infer<typeof creatorTrendsResponse>;
export type PostingTimesResponse = z.infer<typeof postingTimesResponse>;
export type TitlesRequest = z.input<typeof titlesRequest>;
export type TitlesResponse = z.infer<typeof titlesResponse>;

/** A plain decimal whole number in [min, max] as a query parameter. */
function wholeQuery(name: string, min: number, max: number, fallback: number, signed = false) {
  const pattern = signed ? /^-?\d{1,3}$/ : /^\d{1,3}$/;
  return z
    .string()
    .regex(pattern, { error: `expected a whole number from ${min} to ${max}` })
    .optional()
    .transform((text) => (text === undefined ? fallback : Number(text)))
    .pipe(z.number().int().min(min).max(max))
    .openapi({ param: { name, in: 'query' }, example: String(fallback) });
}

const trendsQuery = z.strictObject({
  bin: z
    .enum(['hour', 'day'], { error: 'expected "hour" or "day"' })
    .optional()
    .transform((bin) => bin ?? 'day')
    .openapi({ param: { name: 'bin', in: 'query' }, example: 'day' }),
  n: wholeQuery('n', 1, 50, 10),
});

const postingQuery = z.strictObject({
  utcOffset: wholeQuery('utcOffset', -14, 14, 0, true),
  windows: wholeQuery('windows', 1, 10, 3),
  windowHours: wholeQuery('windowHours', 1, 12, 2),
});

const creatorNotFound = (id: string) =>
  new ApiError(
    404,
    'not_found',
    `Creator ${JSON.stringify(id)} has no items in the recent window (author of no stored item)`,
    'id',
  );

/**
 * `GET /v1/creators/{id}/trends`, `GET /v1/creators/{id}/posting-times` and
 * `POST /v1/creators/{id}/titles` (read scope: it writes nothing), answered
 * from the insights service's snapshot of the recent log.
 */
export function registerCreatorRoutes(app: ServeApp, insights: InsightsService): void {
  const security = [{ bearer: [] }];
  const body = [jsonBody()];

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/creators/{id}/trends',
      summary: "Rising topics closest to the creator's niche, with the evidence",
      description:
        "Topics (hashtags, category levels) whose distinct-user counts burst against a seasonal baseline or grew over the last day, ranked by closeness to the topics of the creator's items.",
      security,
      request: { params: idParam, query: trendsQuery },
      responses: {
        200: { description: 'Trends, best first', content: jsonContent(creatorTrendsResponse) },
        ...errorResponses(400, 401, 403, 404, 503),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { bin, n } = c.req.valid('query');
      const answer = await insights.trends(id, { bin, limit: n });
      if (answer === undefined) throw creatorNotFound(id);
      // JSON has no -Infinity: a window still in warm-up has no peak z.
      const trends = answer.trends.map((entry) => ({
        ...entry,
        peakZ: Number.isFinite(entry.peakZ) ? entry.peakZ : null,
      }));
      return c.json({ ...answer, trends }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/creators/{id}/posting-times',
      summary: "When to post: hours of the week when the creator's fans are active, less the competition",
      description:
        "Fans: users who followed from, or have 2+ events on, the creator's items. `utcOffset` is the creator's time zone (hours east of UTC). A creator without fans yet gets `fans: 0` and no windows.",
      security,
      request: { params: idParam, query: postingQuery },
      responses: {
        200: { description: 'Suggested windows, best first', content: jsonContent(postingTimesResponse) },
        ...errorResponses(400, 401, 403, 404, 503),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const query = c.req.valid('query');
      const answer = await insights.postingTimes(id, {
        utcOffsetHours: query.utcOffset,
        count: query.windows,
        windowHours: query.windowHours,
      });
      if (answer === undefined) throw creatorNotFound(id);
      return c.json(answer, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/creators/{id}/titles',
      summary: 'Title suggestions for a draft: high-engagement captions of similar content',
      description:
        'Needs the read scope only (writes nothing). Candidates are real captions of the recent window above the engagement threshold, re-ranked by similarity x predicted engagement.',
      security,
      middleware: body,
      request: { params: idParam, body: { required: true, content: jsonContent(titlesRequest) } },
      responses: {
        200: { description: 'Titles, best first', content: jsonContent(titlesResponse) },
        ...errorResponses(400, 401, 403, 404, 413, 415, 422, 503),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { caption, hashtags, categories, n } = c.req.valid('json');
      const draft = {
        caption,
        ...(hashtags !== undefined && { hashtags }),
        ...(categories !== undefined && { categories }),
      };
      let answer: Awaited<ReturnType<InsightsService['titles']>>;
      try {
        answer = await insights.titles(id, draft, n ?? 5);
      } catch (error) {
        if (error instanceof InsufficientDataError)
          throw new ApiError(422, 'insufficient_data', error.message);
        throw error;
      }
      if (answer === undefined) throw creatorNotFound(id);
      return c.json(answer, 200);
    },
  );
}
