import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiKeys,
  checksumOf,
  createApp,
  GenfeedApiError,
  GenfeedClient,
  ModelRegistry,
  PopularFeedSource,
  ServeMetrics,
} from '../serve/index.js';
import { openSqliteStore, type Store } from '../storage/index.js';
import { mountDashboard } from './mount-dashboard.js';
import { authorizeWithApiKeys } from './serve-wiring.js';

const keys = {
  admin: 'admin-key-0123456789abcdef',
  read: 'read-key-0123456789abcdef',
  write: 'write-key-0123456789abcdef',
  readWrite: 'read-write-key-0123456789',
  creator: 'creator-key-0123456789abcdef',
};
const apiKeys = ApiKeys.from([
  { key: keys.admin, scopes: ['admin'], name: 'ops' },
  { key: keys.read, scopes: ['read'], name: 'reader' },
  { key: keys.write, scopes: ['write'], name: 'writer' },
  { key: keys.readWrite, scopes: ['read', 'write'], name: 'app' },
  { key: keys.creator, scopes: ['read'], creator: 'author-1', name: 'studio 1' },
]);
/** Small, so the 413 is cheap to reach. */
const MAX_MODEL_BYTES = 64 * 1024;

let store: Store;
let folder: string;
let registry: ModelRegistry;
let app: Hono;
let client: GenfeedClient;

/**
 * A toy model: `model.json` must parse and name the model `toy` (as a real
 * loader checks its manifest), else the loader refuses it with its reason.
 */
async function toyLoader(dir: string, context: { modelVersion: string }) {
  const manifest = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as { model?: string };
  if (manifest.model !== 'toy') throw new Error(`${dir}/model.json: expected model "toy"`);
  return {
    name: 'toy',
    modelVersion: context.modelVersion,
    recommend: () => ({ items: [], stages: {} }),
  };
}

beforeAll(async () => {
  store = await openSqliteStore({ path: ':memory:' });
  folder = await mkdtemp(join(tmpdir(), 'genfeed-admin-models-'));
  registry = new ModelRegistry({
    store,
    root: join(folder, 'cache'),
    loaders: { toy: toyLoader },
    catalogue: async () => [],
  });
  const served = createApp({
    store,
    feeds: new PopularFeedSource(store),
    keys: apiKeys,
    metrics: new ServeMetrics({ processMetrics: false }),
    limits: { maxModelBytes: MAX_MODEL_BYTES },
  });
  mountDashboard(served, { store, authorize: authorizeWithApiKeys(apiKeys), registry });
  app = served as unknown as Hono;
  client = new GenfeedClient({
    baseUrl: 'http://genfeed.test',
    apiKey: keys.admin,
    fetch: async (input, init) => app.request(input as string, init),
  });
});
afterAll(async () => {
  await registry.close();
  await store.close();
  await rm(folder, { recursive: true, force: true });
});

const toyFiles = (weights: string) => ({
  'model.json': JSON.stringify({ model: 'toy' }),
  'weights/layer-0.bin': weights,
});

function checksumOfFiles(files: Record<string, string>): string {
  return checksumOf(
    Object.entries(files).map(([path, text]) => ({
      path,
      sha256: createHash('sha256').update(text).digest('hex'),
    })),
  );
}

function uploadForm(
  files: Record<string, string>,
  fields: { checksum?: string | undefined; metrics?: string; activate?: string } = {},
): FormData {
  const form = new FormData();
  for (const [path, text] of Object.entries(files)) form.append('file', new Blob([text]), path);
  const checksum = 'checksum' in fields ? fields.checksum : checksumOfFiles(files);
  if (checksum !== undefined) form.append('checksum', checksum);
  if (fields.metrics !== undefined) form.append('metrics', fields.metrics);
  if (fields.activate !== undefined) form.append('activate', fields.activate);
  return form;
}

function call(
  method: string,
  path: string,
  options: { key?: string | null; body?: FormData | string; contentType?: string } = {},
): Promise<Response> {
  const key = options.key === undefined ? keys.admin : options.key;
  const headers: Record<string, string> = key === null ? {} : { authorization: `Bearer ${key}` };
  if (options.contentType !== undefined) headers['content-type'] = options.contentType;
  return Promise.resolve(
    app.request(path, { method, headers, ...(options.body === undefined ? {} : { body: options.body }) }),
  );
}

async function errorOf(response: Response): Promise<{ code: string; message: string; field?: string }> {
  return ((await response.json()) as { error: { code: string; message: string; field?: string } }).error;
}

async function activeVersion(): Promise<number | undefined> {
  return (await store.activeModelVersion('toy'))?.version;
}

describe('model version routes', () => {
  it('are in the OpenAPI document, the upload as multipart with its checksum and files', async () => {
    const document = (await (await call('GET', '/openapi.json', { key: null })).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(Object.keys(document.paths['/v1/admin/models/versions'] ?? {})).toEqual(['get']);
    expect(Object.keys(document.paths['/v1/admin/models/{name}/versions'] ?? {})).toEqual(['post']);
    expect(Object.keys(document.paths['/v1/admin/models/{name}/versions/{version}'] ?? {})).toEqual([
      'delete',
    ]);
    expect(document.paths['/v1/admin/models/{name}/versions/{version}/activate']?.post).toBeDefined();
    expect(document.paths['/v1/admin/models/{name}/rollback']?.post).toBeDefined();
    const upload = document.paths['/v1/admin/models/{name}/versions']!.post!.requestBody!.content;
    expect(Object.keys(upload)).toEqual(['multipart/form-data']);
    expect(JSON.stringify(upload)).toContain('#/components/schemas/ModelUpload');
    const form = document.components.schemas.ModelUpload as {
      required: string[];
      properties: Record<string, unknown>;
    };
    expect(form.required.sort()).toEqual(['checksum', 'file']);
    expect(form.properties.file).toMatchObject({
      type: 'array',
      items: { type: 'string', format: 'binary' },
    });
  });

  it('refuse read, write, read-write and creator keys with 403 and a missing key with 401, on every route', async () => {
    const routes: Array<{ method: string; path: string; form?: boolean }> = [
      { method: 'GET', path: '/v1/admin/models/versions' },
      { method: 'POST', path: '/v1/admin/models/toy/versions', form: true },
      { method: 'POST', path: '/v1/admin/models/toy/versions/1/activate' },
      { method: 'POST', path: '/v1/admin/models/toy/rollback' },
      { method: 'DELETE', path: '/v1/admin/models/toy/versions/1' },
    ];
    for (const { method, path, form } of routes) {
      for (const key of [keys.read, keys.write, keys.readWrite, keys.creator]) {
        const response = await call(method, path, {
          key,
          ...(form ? { body: uploadForm(toyFiles('w')) } : {}),
        });
        expect({ method, path, key, status: response.status }).toEqual({ method, path, key, status: 403 });
        expect((await errorOf(response)).code).toBe('forbidden');
      }
      const anonymous = await call(method, path, { key: null });
      expect({ method, path, status: anonymous.status }).toEqual({ method, path, status: 401 });
    }
    expect(await store.listModelVersions()).toEqual([]);
  });

  it('uploads versions with their checksum, lists them with their stored files, and the registry serves the newest', async () => {
    const files = toyFiles('first weights');
    const first = await call('POST', '/v1/admin/models/toy/versions', {
      body: uploadForm(files, { metrics: '{"recall10":0.31}' }),
    });
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({
      name: 'toy',
      version: 1,
      active: true,
      checksum: checksumOfFiles(files),
      metrics: { recall10: 0.31 },
      storedFiles: 2,
      storedBytes: files['model.json'].length + files['weights/layer-0.bin'].length,
    });
    expect(registry.currentVersion('toy')?.version).toBe(1);
    // The typed client computes the checksum itself.
    const second = await client.publishModel(
      'toy',
      Object.entries(toyFiles('second weights')).map(([path, data]) => ({ path, data })),
    );
    expect(second).toMatchObject({ version: 2, active: true, storedFiles: 2 });
    const recorded = await client.publishModel(
      'toy',
      Object.entries(toyFiles('third weights')).map(([path, data]) => ({ path, data })),
      { activate: false, metrics: { recall10: 0.4 } },
    );
    expect(recorded).toMatchObject({ version: 3, active: false, metrics: { recall10: 0.4 } });
    expect(registry.currentVersion('toy')?.version).toBe(2);

    const listed = await call('GET', '/v1/admin/models/versions?name=toy');
    expect(listed.status).toBe(200);
    const { versions } = (await listed.json()) as { versions: Array<{ version: number; active: boolean }> };
    expect(versions.map(({ version, active }) => [version, active])).toEqual([
      [3, false],
      [2, true],
      [1, false],
    ]);
    expect(await client.modelVersions('nothing')).toEqual([]);
  });

  it('refuses a checksum mismatch, a corrupt model and bad parts with a 400 naming what failed; the active version keeps serving', async () => {
    const before = await store.listModelVersions('toy');
    const files = toyFiles('altered');
    const mismatch = await call('POST', '/v1/admin/models/toy/versions', {
      body: uploadForm(files, { checksum: checksumOfFiles(toyFiles('original')) }),
    });
    expect(mismatch.status).toBe(400);
    const mismatchError = await errorOf(mismatch);
    expect(mismatchError.code).toBe('invalid_input');
    expect(mismatchError.message).toContain(
      `checksum mismatch: declared ${checksumOfFiles(toyFiles('original'))}, the 2 files received have ${checksumOfFiles(files)}`,
    );

    const corrupt = { 'model.json': '{"model": "other"}', 'weights/layer-0.bin': 'w' };
    const rejected = await call('POST', '/v1/admin/models/toy/versions', { body: uploadForm(corrupt) });
    expect(rejected.status).toBe(400);
    const rejectedMessage = (await errorOf(rejected)).message;
    expect(rejectedMessage).toContain(
      'Rejected toy model (version 4): the upload/model.json: expected model "toy"',
    );
    expect(rejectedMessage).not.toContain(tmpdir());

    const cases: Array<[FormData, string]> = [
      [uploadForm({ '../escape.bin': 'x' }), 'must not hold empty, "." or ".." parts'],
      [uploadForm({ '/etc/passwd': 'x' }), 'must be relative to the model directory'],
      [uploadForm(toyFiles('w'), { checksum: undefined }), 'form "checksum": required, missing'],
      [uploadForm(toyFiles('w'), { checksum: 'abc' }), 'expected 64 lowercase hex digits'],
      [uploadForm(toyFiles('w'), { metrics: 'recall=1' }), 'expected a JSON object of numbers'],
      [uploadForm(toyFiles('w'), { activate: 'maybe' }), 'expected true or false'],
      [uploadForm({}), 'form "file": expected a file part'],

      [uploadForm(toyFiles('w')), 'Unknown model name "ghost"'],
    ];
    for (const [index, [body, message]] of cases.entries()) {
      const path =
        index === cases.length - 1 ? '/v1/admin/models/ghost/versions' : '/v1/admin/models/toy/versions';
      const response = await call('POST', path, { body });
      expect({ index, status: response.status }).toEqual({ index, status: 400 });
      expect((await errorOf(response)).message).toContain(message);
    }
    const json = await call('POST', '/v1/admin/models/toy/versions', {
      body: '{"checksum": "x"}',
      contentType: 'application/json',
    });
    expect(json.status).toBe(415);
    expect((await errorOf(json)).message).toContain('multipart/form-data');
    const tooBig = await call('POST', '/v1/admin/models/toy/versions', {
      body: uploadForm(toyFiles('x'.repeat(MAX_MODEL_BYTES))),
    });
    expect(tooBig.status).toBe(413);
    expect((await errorOf(tooBig)).message).toContain(`limit ${MAX_MODEL_BYTES} bytes`);

    expect(await store.listModelVersions('toy')).toEqual(before);
    expect(registry.currentVersion('toy')?.version).toBe(2);
  });

  it('activates, rolls back and deletes inactive versions: 404 unknown, 409 the active one or nothing to roll back to', async () => {
    const activated = await call('POST', '/v1/admin/models/toy/versions/3/activate');
    expect(activated.status).toBe(200);
    expect(await activated.json()).toMatchObject({ version: 3, active: true });
    expect(registry.currentVersion('toy')?.version).toBe(3);

    const unknown = await call('POST', '/v1/admin/models/toy/versions/9/activate');
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).message).toBe('Model toy has no version 9');
    const badVersion = await call('POST', '/v1/admin/models/toy/versions/0/activate');
    expect(badVersion.status).toBe(400);
    expect(await errorOf(badVersion)).toMatchObject({ field: 'version' });

    const rolledBack = await call('POST', '/v1/admin/models/toy/rollback');
    expect(rolledBack.status).toBe(200);
    expect(await rolledBack.json()).toMatchObject({ version: 2, active: true });
    expect((await client.rollbackModel('toy')).version).toBe(1);
    expect(registry.currentVersion('toy')?.version).toBe(1);
    const nothingBelow = await call('POST', '/v1/admin/models/toy/rollback');
    expect(nothingBelow.status).toBe(409);
    expect((await errorOf(nothingBelow)).message).toContain('no earlier version is recorded');
    expect((await call('POST', '/v1/admin/models/ghost/rollback')).status).toBe(404);

    const active = await call('DELETE', '/v1/admin/models/toy/versions/1');
    expect(active.status).toBe(409);
    expect((await errorOf(active)).message).toContain('is active');
    const deleted = await call('DELETE', '/v1/admin/models/toy/versions/2');
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toMatchObject({ name: 'toy', version: 2, active: false });
    expect((await call('DELETE', '/v1/admin/models/toy/versions/2')).status).toBe(404);
    const gone = await client.deleteModelVersion('toy', 3).catch((error: unknown) => error);
    expect(gone).toMatchObject({ version: 3 });
    const again = await client.deleteModelVersion('toy', 3).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(GenfeedApiError);
    expect(again).toMatchObject({ status: 404, code: 'not_found' });

    expect((await store.listModelVersions('toy')).map((version) => version.version)).toEqual([1]);
    expect(await store.listModelFiles('toy', 2).catch(() => [])).toEqual([]);
    expect(await activeVersion()).toBe(1);
    expect((await client.activateModel('toy', 1)).active).toBe(true);
  });

  it('the typed client reads the dashboard figures and runs an experiment', async () => {
    expect((await client.adminOverview({ days: 3 })).totals.items).toBe(0);
    expect((await client.adminModels()).versions.map((version) => version.version)).toEqual([1]);
    const created = await client.createExperiment({ name: 'typed', split: { toy: 1, popular: 1 } });
    expect(created.split).toEqual({ toy: 1, popular: 1 });
    expect((await client.setExperimentSplit('typed', { split: { toy: 3, popular: 1 } })).split).toEqual({
      toy: 3,
      popular: 1,
    });
    expect((await client.adminExperiments()).experiments.map((experiment) => experiment.name)).toEqual([
      'typed',
    ]);
    expect((await client.experimentReport('typed')).experiment).toBe('typed');
    expect((await client.stopExperiment('typed')).name).toBe('typed');
    const stopped = await client.stopExperiment('typed').catch((error: unknown) => error);
    expect(stopped).toMatchObject({ status: 404, code: 'not_found' });
    expect((await client.adminItems({ q: 'x' })).results).toEqual([]);
    expect((await client.adminUsers()).history).toEqual([]);
  });
});
