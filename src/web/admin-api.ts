import { createRoute } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { type Logger, silentLogger } from '../core/index.js';
import {
  ApiError,
  adminSchemas,
  apiRouter,
  errorResponses,
  jsonBody,
  jsonContent,
  type ModelService,
  type ServeApp,
} from '../serve/index.js';
import type { Access, Need } from './auth.js';
import { creatorView } from './creator-page.js';
import type { DashboardContext } from './dashboard-context.js';
import { experimentsData } from './experiments-page.js';
import { itemsData } from './items-page.js';
import { modelsData } from './models-page.js';
import { overviewData } from './overview-page.js';
import { usersData } from './users-page.js';

const security = [{ bearer: [] }];
const adminOnly = 'Needs an API key with the admin scope (read, write and creator keys get 403).';

const multipart = /^multipart\/form-data\s*;/i;

/** The model upload's body must be multipart (415 otherwise), before its form is parsed. */
const multipartBody: MiddlewareHandler = async (c, next) => {
  const contentType = c.req.header('content-type');
  if (contentType === undefined || !multipart.test(contentType))
    throw new ApiError(
      415,
      'unsupported_media_type',
      `Request body must be multipart/form-data (a checksum and one "file" part per file)${contentType ? `, got "${contentType.slice(0, 100)}"` : ', got none'}`,
    );
  await next();
};

/** Drops absent (undefined) query values, so the data functions see only what was sent. */
function present<T extends object>(query: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

/**
 * The dashboard's figures and the experiment routes as JSON (docs/serve.md,
 * "Admin API"): `/v1/admin/*` for admin keys, `/v1/creator/insights` for the
 * creator view. Defined with zod schemas on serve's router, so mounted on
 * serve's app they are in its OpenAPI document and answer its errors.
 */
export function adminApi(
  context: DashboardContext,
  accessOf: (c: Context, need: Need) => Promise<Access>,
  logger: Logger = silentLogger,
): ServeApp {
  const api = apiRouter(logger);
  const { experiments } = context;

  const requireAccess =
    (need: Need): MiddlewareHandler =>
    async (c, next) => {
      const access = await accessOf(c, need);
      if (access.status === 'missing' || access.status === 'unknown') {
        c.header('WWW-Authenticate', 'Bearer');
        throw new ApiError(
          401,
          'unauthorized',
          access.status === 'missing'
            ? 'Missing API key: send "Authorization: Bearer <key>"'
            : 'Unknown API key',
          'Authorization',
        );
      }
      if (access.status === 'forbidden') {
        throw new ApiError(
          403,
          'forbidden',
          `This API key lacks the ${need === 'creator' ? 'admin, creator or read' : 'admin'} scope`,
        );
      }
      c.set('access' as never, access as never);
      await next();
    };
  const admin = requireAccess('admin');
  const adminWithBody = [admin, jsonBody()];

  const adminGet = { method: 'get' as const, security, description: adminOnly, middleware: admin };
  const readErrors = errorResponses(400, 401, 403, 503);

  api.openapi(
    createRoute({
      ...adminGet,
      path: '/v1/admin/overview',
      summary:
        "The dashboard's Overview: store totals, traffic, signal rates, AI share and top categories per day",
      request: { query: adminSchemas.daysQuery },
      responses: {
        200: {
          description: 'The overview of the window',
          content: jsonContent(adminSchemas.overviewResponse),
        },
        ...readErrors,
      },
    }),
    async (c) => {
      const { days } = c.req.valid('query');
      return c.json(await overviewData(context, days), 200);
    },
  );

  api.openapi(
    createRoute({
      ...adminGet,
      path: '/v1/admin/experiments',
      summary: 'The running experiments, and the buckets of one (or of all traffic) side by side',
      request: { query: adminSchemas.experimentsQuery },
      responses: {
        200: {
          description: 'The experiments and the report the Experiments page shows',
          content: jsonContent(adminSchemas.experimentsResponse),
        },
        ...readErrors,
      },
    }),
    async (c) => c.json(await experimentsData(context, present(c.req.valid('query'))), 200),
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/experiments',
      summary: 'Start an experiment: its buckets (pipelines) and their shares of the users',
      description: `${adminOnly} Servers started with \`--experiment <name>\` split their users by it within a second. 409 if one of that name runs.`,
      security,
      middleware: adminWithBody,
      request: { body: { required: true, content: jsonContent(adminSchemas.createExperimentBody) } },
      responses: {
        201: { description: 'The experiment, started', content: jsonContent(adminSchemas.experimentRecord) },
        ...errorResponses(400, 401, 403, 409, 413, 415, 503),
      },
    }),
    async (c) => {
      const { name, split, description } = c.req.valid('json');
      return c.json(
        await experiments.create({ name, split, ...(description === undefined ? {} : { description }) }),
        201,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: '/v1/admin/experiments/{name}/split',
      summary: "Change a running experiment's split",
      description: `${adminOnly} Buckets take consecutive ranges of the users in name order, so moving share between two buckets moves only the users in between.`,
      security,
      middleware: adminWithBody,
      request: {
        params: adminSchemas.experimentParam,
        body: { required: true, content: jsonContent(adminSchemas.setSplitBody) },
      },
      responses: {
        200: {
          description: 'The experiment with its new split',
          content: jsonContent(adminSchemas.experimentRecord),
        },
        ...errorResponses(400, 401, 403, 404, 413, 415, 503),
      },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      const { split, description } = c.req.valid('json');
      return c.json(await experiments.setSplit(name, split, description), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/experiments/{name}/stop',
      summary: 'Stop an experiment: servers go back to their default pipeline',
      description: `${adminOnly} The experiment's record is removed; its logged feeds and events keep its name, so its report stays available. No body.`,
      security,
      middleware: admin,
      request: { params: adminSchemas.experimentParam },
      responses: {
        200: {
          description: 'The experiment as it ran until now',
          content: jsonContent(adminSchemas.experimentRecord),
        },
        ...errorResponses(400, 401, 403, 404, 413, 503),
      },
    }),
    async (c) => c.json(await experiments.stop(c.req.valid('param').name), 200),
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/experiments/{name}/report',
      summary: "An experiment's buckets side by side with 95% intervals (the Experiments page's figures)",
      description: `${adminOnly} Stay time per active user-day and its lift over the reference bucket, retention, signal rates, cost per request and per stage, and the per-day series, over whole UTC days ending on the newest event's day. 404 when the experiment neither runs nor served a feed in the window.`,
      security,
      middleware: admin,
      request: { params: adminSchemas.experimentParam, query: adminSchemas.daysQuery },
      responses: {
        200: { description: 'The report', content: jsonContent(adminSchemas.experimentReportResponse) },
        ...errorResponses(400, 401, 403, 404, 503),
      },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      const window = await context.window(c.req.valid('query').days);
      return c.json({ experiment: name, ...(await context.experimentReport(window, name)) }, 200);
    },
  );

  api.openapi(
    createRoute({
      ...adminGet,
      path: '/v1/admin/models',
      summary:
        "The dashboard's Models page: the registry's versions and the offline results beside their anchors",
      responses: {
        200: {
          description: 'Model versions and offline metrics',
          content: jsonContent(adminSchemas.modelsResponse),
        },
        ...readErrors,
      },
    }),
    async (c) => c.json(await modelsData(context), 200),
  );

  const modelsOf = (): ModelService => {
    if (context.models === undefined)
      throw new ApiError(
        503,
        'no_model_registry',
        'This server runs no model registry, so its model versions cannot be changed here',
      );
    return context.models;
  };
  const modelErrors = errorResponses(400, 401, 403, 404, 409, 413, 503);

  api.openapi(
    createRoute({
      ...adminGet,
      path: '/v1/admin/models/versions',
      summary:
        'Recorded model versions, newest first: checksum, metrics, which is active, files in the store',
      request: { query: adminSchemas.modelVersionsQuery },
      responses: {
        200: { description: 'The versions', content: jsonContent(adminSchemas.modelVersionsResponse) },
        ...readErrors,
      },
    }),
    async (c) => {
      const { name } = c.req.valid('query');
      return c.json({ versions: await context.store.listModelVersions(name) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/models/{name}/versions',
      summary: 'Upload a model directory as the next version, checked against its declared checksum',
      description: `${adminOnly} A multipart/form-data body: \`checksum\` (the directory checksum of the files), one \`file\` part per file whose filename is its path in the model directory, optional \`metrics\` (JSON) and \`activate\` (default true). The server refuses a checksum mismatch or a model its loader rejects with a 400 naming what failed, storing nothing, while the active version keeps serving. Otherwise the files and the version are stored in one transaction and (by default) activated: every server swaps to it. Bodies up to the server's model limit (\`--max-model-bytes\`, default 256 MiB).`,
      security,
      middleware: [admin, multipartBody],
      request: {
        params: adminSchemas.modelParam,
        body: {
          required: true,
          content: { 'multipart/form-data': { schema: adminSchemas.uploadModelForm } },
        },
      },
      responses: {
        201: { description: 'The version, stored', content: jsonContent(adminSchemas.modelVersionRecord) },
        ...errorResponses(400, 401, 403, 409, 413, 415, 503),
      },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      const { checksum, file, metrics, activate } = c.req.valid('form');
      const version = await modelsOf().publishFiles(
        name,
        file.map((part) => ({ path: part.name, read: () => part.stream() })),
        {
          checksum,
          ...(metrics === undefined ? {} : { metrics }),
          ...(activate === undefined ? {} : { activate: activate === 'true' }),
        },
      );
      return c.json(version, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/models/{name}/versions/{version}/activate',
      summary: 'Make a recorded version active on every server',
      description: `${adminOnly} This server fetches, checks and loads it first: a version that fails (damaged in the store, rejected by its loader) is a 400 naming the file and is not activated. No body.`,
      security,
      middleware: admin,
      request: { params: adminSchemas.modelVersionParam },
      responses: {
        200: {
          description: 'The version, now active',
          content: jsonContent(adminSchemas.modelVersionRecord),
        },
        ...modelErrors,
      },
    }),
    async (c) => {
      const { name, version } = c.req.valid('param');
      return c.json(await modelsOf().activate(name, version), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/models/{name}/rollback',
      summary: 'Activate the version before the active one (the newest recorded version numbered below it)',
      description: `${adminOnly} 409 when no version is active or none is recorded below it; loaded and checked first, as an activation. No body.`,
      security,
      middleware: admin,
      request: { params: adminSchemas.modelParam },
      responses: {
        200: {
          description: 'The version, now active',
          content: jsonContent(adminSchemas.modelVersionRecord),
        },
        ...modelErrors,
      },
    }),
    async (c) => c.json(await modelsOf().rollback(c.req.valid('param').name), 200),
  );

  api.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/admin/models/{name}/versions/{version}',
      summary: 'Delete a version that is not active, with its files',
      description: `${adminOnly} 409 for the active version (activate another first), 404 for an unknown one.`,
      security,
      middleware: admin,
      request: { params: adminSchemas.modelVersionParam },
      responses: {
        200: { description: 'The version as it was', content: jsonContent(adminSchemas.modelVersionRecord) },
        ...modelErrors,
      },
    }),
    async (c) => {
      const { name, version } = c.req.valid('param');
      return c.json(await modelsOf().delete(name, version), 200);
    },
  );

  api.openapi(
    createRoute({
      ...adminGet,
      path: '/v1/admin/items',
      summary: 'Search the catalogue, or one item with its similar items and likely audience',
      request: { query: adminSchemas.itemsQuery },
      responses: {
        200: {
          description: 'Search results and the item asked for',
          content: jsonContent(adminSchemas.itemsResponse),
        },
        ...readErrors,
      },
    }),
    async (c) => c.json(await itemsData(context, present(c.req.valid('query'))), 200),
  );

  api.openapi(
    createRoute({
      ...adminGet,
      path: '/v1/admin/users',
      summary: "A user's history and the feed each pipeline would serve them now (nothing logged)",
      request: { query: adminSchemas.usersQuery },
      responses: {
        200: { description: 'The user', content: jsonContent(adminSchemas.usersResponse) },
        ...readErrors,
      },
    }),
    async (c) => c.json(await usersData(context, present(c.req.valid('query'))), 200),
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/v1/creator/insights',
      summary:
        "The creator view: an author's figures, fans' hours, posting windows, trends and title suggestions",
      description:
        "Needs the admin, creator or read scope; a creator's key sees its own author only, whatever `author` names.",
      security,
      middleware: [requireAccess('creator')],
      request: { query: adminSchemas.insightsQuery },
      responses: {
        200: { description: 'The creator view', content: jsonContent(adminSchemas.insightsResponse) },
        ...errorResponses(400, 401, 403, 503),
      },
    }),
    async (c) => {
      const creator = (c.get('access' as never) as Access | undefined)?.creator;
      return c.json(await creatorView(context, present(c.req.valid('query')), creator), 200);
    },
  );

  return api;
}
