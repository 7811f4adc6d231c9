import { z } from '@hono/zod-openapi';
import { binarySignals, ID_MAX_LENGTH, nameSchema } from '../../storage/index.js';
import { suggestedTitle } from './creator-routes.js';
import { feedItem, itemRecord, stageCost, userRecord } from './schemas.js';

/**
 * The bodies of the admin API (`/v1/admin/*`, docs/serve.md "Admin API") and of
 * the creator's insights: the dashboard's figures and the experiment routes.
 * The dashboard (`src/web`) serves them; they live here so the typed client
 * can take its types from them (`z.infer`), as it does for every other route.
 */

/** JSON has no NaN: an interval over too few users, or a ratio over nothing, arrives as null. */
const estimate = z.number().nullable();

const interval = z
  .object({ value: estimate, low: estimate, high: estimate })
  .openapi('Interval', { description: '95% interval; null bounds where too few users were seen' });

// --- experiments ---------------------------------------------------------

/** Most buckets one split may have (a pipeline each). */
export const MAX_BUCKETS = 32;
/** Largest weight of one bucket: weights are shares of their sum, so any scale works. */
export const MAX_WEIGHT = 1e6;

export const experimentName = nameSchema().openapi({ example: 'ab-1' });

export const trafficSplit = z
  .record(
    nameSchema(ID_MAX_LENGTH).openapi({ description: 'a pipeline name' }),
    z
      .number({ error: `expected a weight from 0 to ${MAX_WEIGHT}` })
      .min(0, { error: `expected a weight from 0 to ${MAX_WEIGHT}` })
      .max(MAX_WEIGHT, { error: `expected a weight from 0 to ${MAX_WEIGHT}` }),
  )
  .refine((split) => Object.keys(split).length >= 1, { error: 'expected at least one bucket' })
  .refine((split) => Object.keys(split).length <= MAX_BUCKETS, {
    error: `expected at most ${MAX_BUCKETS} buckets`,
  })
  .refine((split) => Object.values(split).some((weight) => weight > 0), {
    error: 'the weights sum to 0: at least one bucket needs a share',
  })
  .openapi('TrafficSplit', {
    description:
      'Pipeline name -> weight; each bucket gets weight / sum of the weights of the users (by a stable hash of the user id)',
    example: { generative: 25, cascade: 75 },
  });

const description = z
  .string()
  .max(2000, { error: 'must be at most 2000 characters' })
  .openapi({ description: 'what the experiment tests' });

export const experimentRecord = z
  .object({
    name: z.string(),
    split: z.record(z.string(), z.number()),
    description: z.string().optional(),
    createdAt: z.number().openapi({ description: 'unix ms' }),
    updatedAt: z.number(),
  })
  .openapi('Experiment');

export const createExperimentBody = z
  .strictObject({ name: experimentName, split: trafficSplit, description: description.optional() })
  .openapi('CreateExperiment');

export const setSplitBody = z
  .strictObject({
    split: trafficSplit,
    description: description.optional().openapi({ description: 'replaces the description when given' }),
  })
  .openapi('SetSplit');

export const experimentParam = z.object({
  name: experimentName.openapi({ param: { name: 'name', in: 'path' }, example: 'ab-1' }),
});

export const bucketReport = z
  .object({
    pipeline: z.string(),
    users: z.number().int(),
    requests: z.number().int(),
    events: z.number().int(),
    stayTimeSecondsPerUserDay: interval.openapi({
      description: 'watch seconds per active user-day: mean over users of play time / active days',
    }),
    retention: interval.openapi({ description: 'share of users active on two or more days (Wilson)' }),
    signalRates: z
      .record(z.string(), interval)
      .openapi({ description: 'events with the signal / events, users as clusters (delta method)' }),
    cpuMsPerRequest: z.number(),
    latencyMsPerRequest: z.number(),
    stages: z
      .record(z.string(), stageCost)
      .openapi({ description: 'mean per-stage cost over `sampledRequests` recent requests' }),
    sampledRequests: z.number().int(),
    stayTimeLift: interval
      .optional()
      .openapi({ description: 'stay time over the reference bucket, minus 1 (absent for the reference)' }),
  })
  .openapi('BucketReport');

const bucketsReportShape = {
  since: z.number().openapi({ description: 'unix ms, start of the window (a UTC day)' }),
  until: z.number().openapi({ description: 'unix ms, end of the window, exclusive' }),
  reference: z.string().optional().openapi({ description: 'the bucket the others are compared with' }),
  buckets: z.array(bucketReport),
  days: z.array(
    z.object({
      day: z.string().openapi({ example: '2026-04-01' }),
      pipelines: z.record(
        z.string(),
        z.object({
          requests: z.number().int(),
          stayTimeSecondsPerUser: z.number(),
          cpuMsPerRequest: z.number(),
        }),
      ),
    }),
  ),
};

export const experimentReportResponse = z
  .object({ experiment: z.string(), ...bucketsReportShape })
  .openapi('ExperimentBuckets');

export const experimentsResponse = z
  .object({
    experiments: z.array(experimentRecord).openapi({ description: 'the running experiments' }),
    experiment: z
      .string()
      .optional()
      .openapi({ description: 'the experiment reported; absent: all traffic' }),
    ...bucketsReportShape,
  })
  .openapi('AdminExperiments');

// --- model versions ------------------------------------------------------

export const modelName = nameSchema().openapi({ example: 'generative' });

const versionNumber = z
  .string()
  .regex(/^[1-9]\d{0,8}$/, { error: 'expected a version number from 1' })
  .transform(Number);

export const modelParam = z.object({
  name: modelName.openapi({ param: { name: 'name', in: 'path' }, example: 'generative' }),
});

export const modelVersionParam = z.object({
  name: modelName.openapi({ param: { name: 'name', in: 'path' }, example: 'generative' }),
  version: versionNumber.openapi({ param: { name: 'version', in: 'path' }, example: '3' }),
});

export const modelVersionRecord = z
  .object({
    name: z.string(),
    version: z.number().int(),
    path: z.string().openapi({ description: "the version's folder in the publishing server's cache" }),
    checksum: z
      .string()
      .openapi({ description: 'sha256 over the sorted `path \\0 sha256-of-file \\n` lines of every file' }),
    metrics: z
      .record(z.string(), z.number())
      .openapi({ description: 'offline metrics kept with the version' }),
    createdAt: z.number().openapi({ description: 'unix ms' }),
    active: z.boolean().openapi({ description: 'the version every server serves' }),
    storedFiles: z
      .number()
      .int()
      .openapi({ description: 'files the store keeps (0: recorded before the store kept files)' }),
    storedBytes: z.number().int().openapi({ description: 'their total size' }),
  })
  .openapi('ModelVersion');

export const modelVersionsResponse = z
  .object({ versions: z.array(modelVersionRecord).openapi({ description: 'newest first' }) })
  .openapi('ModelVersions');

const sha256Hex = z
  .string()
  .regex(/^[0-9a-f]{64}$/, { error: 'expected 64 lowercase hex digits (a sha256)' });

const uploadedFile = z
  .custom<File>((value) => value instanceof File, { error: 'expected a file part (with a filename)' })
  .openapi({
    type: 'string',
    format: 'binary',
    description: 'one file; its filename is its path in the model directory (`/`-separated)',
  });

const metricsText = z
  .string()
  .max(10_000, { error: 'must be at most 10000 characters' })
  .transform((text, context) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      context.addIssue({ code: 'custom', message: 'expected a JSON object of numbers' });
      return z.NEVER;
    }
    const parsed = z.record(nameSchema(200), z.number()).safeParse(value);
    if (!parsed.success) {
      context.addIssue({
        code: 'custom',
        message: 'expected a JSON object of numbers, e.g. {"recall10":0.31}',
      });
      return z.NEVER;
    }
    return parsed.data;
  });

export const uploadModelForm = z
  .strictObject({
    checksum: sha256Hex.openapi({
      description:
        "the directory checksum of the files sent (genfeed's `directoryChecksum`, `checksumOf`): the version is refused with a 400 naming both checksums unless the files received have it",
    }),
    file: z
      .union([uploadedFile, z.array(uploadedFile)])
      .transform((files) => (Array.isArray(files) ? files : [files]))
      .openapi({
        type: 'array',
        items: { type: 'string', format: 'binary' },
        description: 'one part per file of the model directory, its filename the path in the directory',
      }),
    metrics: metricsText.optional().openapi({
      type: 'string',
      description: 'offline metrics kept with the version, as JSON: {"recall10":0.31}',
    }),
    activate: z
      .enum(['true', 'false'], { error: 'expected true or false' })
      .optional()
      .openapi({ description: 'make it the active version (default true)' }),
  })
  .openapi('ModelUpload');

// --- queries -------------------------------------------------------------

const daysParameter = z
  .string()
  .regex(/^\d{1,3}$/, { error: 'expected a whole number of days from 1 to 366' })
  .transform(Number)
  .pipe(
    z
      .number()
      .int()
      .min(1, { error: 'expected at least 1 day' })
      .max(366, { error: 'expected at most 366 days' }),
  )
  .optional()
  .openapi({
    param: { name: 'days', in: 'query' },
    description: 'whole UTC days ending on the newest event’s day (default 14, fewer for a younger log)',
    example: '7',
  });

const queryText = (name: string, maxLength: number, about: string) =>
  z
    .string()
    .max(maxLength, { error: `must be at most ${maxLength} characters` })
    .optional()
    .openapi({ param: { name, in: 'query' }, description: about });

export const daysQuery = z.strictObject({ days: daysParameter });
export const experimentsQuery = z.strictObject({
  days: daysParameter,
  experiment: queryText('experiment', ID_MAX_LENGTH, 'report this experiment (default: all traffic)'),
});
export const itemsQuery = z.strictObject({
  q: queryText('q', 200, 'search ids, captions, authors, hashtags, tags and categories'),
  id: queryText('id', ID_MAX_LENGTH, 'one item in full, with similar items and its likely audience'),
});
export const modelVersionsQuery = z.strictObject({
  name: queryText('name', ID_MAX_LENGTH, 'only the versions of this model'),
});
export const usersQuery = z.strictObject({
  id: queryText('id', ID_MAX_LENGTH, 'the user: history and the feed each pipeline would serve now'),
});
export const insightsQuery = z.strictObject({
  days: daysParameter,
  author: queryText('author', ID_MAX_LENGTH, 'the creator (a creator’s key: always its own)'),
  draft: queryText('draft', 2000, 'a title draft (default: the author’s newest caption)'),
});

// --- the dashboard's figures ---------------------------------------------

export const overviewResponse = z
  .object({
    since: z.number(),
    until: z.number(),
    totals: z
      .object({
        items: z.number().int(),
        users: z.number().int(),
        requests: z.number().int(),
        impressions: z.number().int(),
        events: z.number().int(),
      })
      .openapi({ description: 'the whole store' }),
    pipelines: z.array(z.string()),
    days: z.array(
      z.object({
        day: z.string(),
        requests: z.record(z.string(), z.number()).openapi({ description: 'feed requests by pipeline' }),
        events: z.number(),
        activeUsers: z.number(),
        playTimeMs: z.number(),
        aiEventShare: estimate,
        aiPlayTimeShare: estimate,
        signalRates: z.record(z.string(), estimate),
      }),
    ),
    window: z.object({
      requests: z.number(),
      events: z.number(),
      aiEventShare: estimate,
      aiPlayTimeShare: estimate,
    }),
    topCategories: z.array(
      z.object({ name: z.string(), events: z.number(), share: estimate, playTimeMs: z.number() }),
    ),
    scanned: z.object({ events: z.number() }),
  })
  .openapi('AdminOverview');

export const itemsResponse = z
  .object({
    query: z.string().optional(),
    results: z.array(itemRecord),
    searched: z.number().int().openapi({ description: 'catalogue items looked through' }),
    item: itemRecord.optional(),
    normalizedHashtags: z.array(z.string()),
    cleanedHashtags: z.array(z.string()).optional(),
    similar: z
      .array(
        z.object({
          itemId: z.string(),
          score: z.number(),
          caption: z.string().optional(),
          author: z.string().optional(),
        }),
      )
      .optional(),
    audience: z.array(z.object({ userId: z.string(), score: z.number() })).optional(),
    errors: z.record(z.string(), z.string()).openapi({ description: 'why a provider gave no answer' }),
  })
  .openapi('AdminItems');

const signalNames = [
  ...binarySignals,
  'playTimeMs',
  'durationMs',
  'profileStayTimeMs',
  'commentStayTimeMs',
] as const;

const historyEvent = z.object({
  id: z.string(),
  userId: z.string(),
  itemId: z.string(),
  time: z.number(),
  requestId: z.string().optional(),
  pipeline: z.string().optional(),
  position: z.number().optional(),
  experiment: z.string().optional(),
  label: z.number().optional(),
  signals: z.object(
    Object.fromEntries(signalNames.map((name) => [name, z.number().optional()])) as Record<
      (typeof signalNames)[number],
      z.ZodOptional<z.ZodNumber>
    >,
  ),
  caption: z.string().optional(),
});

export const usersResponse = z
  .object({
    userId: z.string().optional(),
    user: userRecord.optional(),
    history: z.array(historyEvent).openapi({ description: 'the newest events, newest first' }),
    feeds: z
      .array(
        z.object({
          pipeline: z.string(),
          modelVersion: z.string().optional(),
          items: z.array(feedItem.extend({ caption: z.string().optional() })).optional(),
          cpuMs: z.number().optional(),
          error: z.string().optional(),
        }),
      )
      .optional()
      .openapi({ description: 'what each pipeline would serve now (not logged)' }),
  })
  .openapi('AdminUsers');

export const modelsResponse = z
  .object({
    versions: z.array(
      z
        .object({
          name: z.string(),
          version: z.number().int(),
          path: z.string(),
          checksum: z.string(),
          metrics: z.record(z.string(), z.number()),
          createdAt: z.number(),
          active: z.boolean(),
          storedFiles: z.number().int(),
          storedBytes: z.number().int(),
          trainingCurve: z.array(z.record(z.string(), z.number())).optional(),
        })
        .openapi({ description: 'a model version of the registry, newest first' }),
    ),
    offline: z.array(
      z.object({
        file: z.string(),
        dataset: z.string(),
        model: z.string(),
        metrics: z.record(z.string(), z.number()),
        ci95: z.record(z.string(), z.number()),
        anchor: z.object({ metrics: z.record(z.string(), z.number()), source: z.string() }).optional(),
      }),
    ),
    benchResultsDir: z.string(),
  })
  .openapi('AdminModels');

const hourOfWeek = z
  .array(z.number())
  .openapi({ description: '168 values by hour of week, 0 = Monday 00:00 UTC' });

export const insightsResponse = z
  .object({
    since: z.number(),
    until: z.number(),
    authors: z.array(z.object({ author: z.string(), events: z.number(), items: z.number() })),
    author: z.string().optional(),
    authorError: z.string().optional(),
    figures: z
      .object({ events: z.number(), playTimeMs: z.number(), items: z.number(), fans: z.number() })
      .optional(),
    fanHeatmap: hourOfWeek.optional(),
    postingWindows: z
      .array(
        z.object({
          start: z.number().int(),
          hours: z.number().int(),
          label: z.string(),
          activityShare: z.number(),
          score: z.number(),
        }),
      )
      .optional(),
    platformHeatmap: hourOfWeek,
    trends: z.array(
      z.object({
        topic: z.string(),
        count: z.number(),
        previousCount: z.number(),
        growthPercent: estimate,
        expected: z.number(),
        peakZ: estimate.openapi({ description: 'null while the seasonal baseline warms up' }),
        burstBins: z.number(),
        similarity: z.number().optional(),
        own: z.boolean().optional(),
        score: z.number().optional(),
      }),
    ),
    draft: z.string().optional(),
    titles: z.array(suggestedTitle).optional(),
    titlesError: z.string().optional(),
    snapshot: z.object({ events: z.number(), truncated: z.boolean() }),
  })
  .openapi('CreatorInsights');

export type Experiment = z.infer<typeof experimentRecord>;
export type CreateExperimentBody = z.input<typeof createExperimentBody>;
export type SetSplitBody = z.input<typeof setSplitBody>;
export type ExperimentReportResponse = z.infer<typeof experimentReportResponse>;
export type AdminExperimentsResponse = z.infer<typeof experimentsResponse>;
export type AdminOverviewResponse = z.infer<typeof overviewResponse>;
export type AdminItemsResponse = z.infer<typeof itemsResponse>;
export type AdminUsersResponse = z.infer<typeof usersResponse>;
export type AdminModelsResponse = z.infer<typeof modelsResponse>;
export type CreatorInsightsResponse = z.infer<typeof insightsResponse>;
export type ModelVersion = z.infer<typeof modelVersionRecord>;
export type ModelVersionsResponse = z.infer<typeof modelVersionsResponse>;
