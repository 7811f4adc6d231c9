import type {
  AdminExperimentsResponse,
  AdminItemsResponse,
  AdminModelsResponse,
  AdminOverviewResponse,
  AdminUsersResponse,
  CreateExperimentBody,
  CreatorInsightsResponse,
  Experiment,
  ExperimentReportResponse,
  ModelVersion,
  ModelVersionsResponse,
  SetSplitBody,
} from '../http/admin-schemas.js';
import type { ItemTagsResponse, StoredTagsResponse } from '../http/content-routes.js';
import type {
  CreatorTrendsResponse,
  PostingTimesResponse,
  TitlesRequest,
  TitlesResponse,
} from '../http/creator-routes.js';
import type {
  EventBody,
  FeedResponse,
  HealthResponse,
  IngestResult,
  ItemBody,
  ItemResponse,
  SimilarResponse,
  UserBody,
  UserResponse,
} from '../http/schemas.js';
import { GenfeedApiError } from './api-error.js';

export interface ClientOptions {
  /** The server, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
}

type Batch<T> = T | readonly T[];

/** A file of a model directory to upload: its path in the directory (`/`-separated) and its bytes. */
export interface ModelFileUpload {
  path: string;
  data: Blob | Uint8Array | string;
}

export interface PublishModelOptions {
  /** Offline metrics kept with the version. */
  metrics?: Readonly<Record<string, number>>;
  /** Make it the active version (default true). */
  activate?: boolean;
}

/**
 * A typed client of the genfeed HTTP API: one method per route, bodies typed by
 * the server's own zod schemas (`http/schemas.ts`). Every non-2xx answer
 * throws a `GenfeedApiError` carrying the status, code, message and field.
 */
export class GenfeedClient {
  readonly #baseUrl: string;
  readonly #apiKey: string | undefined;
  readonly #fetch: typeof fetch;

  constructor(options: ClientOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#apiKey = options.apiKey;
    this.#fetch = options.fetch ?? fetch;
  }

  /** `POST /v1/items`: upserts by id; resolves once written durably. */
  putItems(items: Batch<ItemBody>): Promise<IngestResult> {
    return this.#call('POST', '/v1/items', items);
  }

  /** `POST /v1/users`. */
  putUsers(users: Batch<UserBody>): Promise<IngestResult> {
    return this.#call('POST', '/v1/users', users);
  }

  /** `POST /v1/events`: events for unknown items are refused (404 `unknown_items`), unknown users created bare. */
  putEvents(events: Batch<EventBody>): Promise<IngestResult> {
    return this.#call('POST', '/v1/events', events);
  }

  /** `GET /v1/items/{id}`. */
  getItem(id: string): Promise<ItemResponse> {
    return this.#call('GET', `/v1/items/${encodeURIComponent(id)}`);
  }

  /** `GET /v1/users/{id}`. */
  getUser(id: string): Promise<UserResponse> {
    return this.#call('GET', `/v1/users/${encodeURIComponent(id)}`);
  }

  /** `GET /v1/users/{id}/feed?n=`. */
  feed(userId: string, options: { n?: number } = {}): Promise<FeedResponse> {
    return this.#call('GET', `/v1/users/${encodeURIComponent(userId)}/feed${count(options.n)}`);
  }

  /** `GET /v1/items/{id}/similar?n=`. */
  similar(itemId: string, options: { n?: number } = {}): Promise<SimilarResponse> {
    return this.#call('GET', `/v1/items/${encodeURIComponent(itemId)}/similar${count(options.n)}`);
  }

  /** `GET /v1/items/{id}/tags`: the tagger's reading of a stored item. */
  itemTags(itemId: string): Promise<ItemTagsResponse> {
    return this.#call('GET', `/v1/items/${encodeURIComponent(itemId)}/tags`);
  }

  /** `POST /v1/items/{id}/tags` (write scope): tags the item and stores the result in its record. */
  storeItemTags(itemId: string): Promise<StoredTagsResponse> {
    return this.#call('POST', `/v1/items/${encodeURIComponent(itemId)}/tags`);
  }

  /** `GET /v1/creators/{id}/trends?bin=&n=`. */
  creatorTrends(
    creatorId: string,
    options: { bin?: 'hour' | 'day'; n?: number } = {},
  ): Promise<CreatorTrendsResponse> {
    const query = queryString({ bin: options.bin, n: options.n });
    return this.#call('GET', `/v1/creators/${encodeURIComponent(creatorId)}/trends${query}`);
  }

  /** `GET /v1/creators/{id}/posting-times?utcOffset=&windows=&windowHours=`. */
  postingTimes(
    creatorId: string,
    options: { utcOffset?: number; windows?: number; windowHours?: number } = {},
  ): Promise<PostingTimesResponse> {
    const query = queryString(options);
    return this.#call('GET', `/v1/creators/${encodeURIComponent(creatorId)}/posting-times${query}`);
  }

  /** `POST /v1/creators/{id}/titles` (read scope): title suggestions for a draft. */
  titles(creatorId: string, draft: TitlesRequest): Promise<TitlesResponse> {
    return this.#call('POST', `/v1/creators/${encodeURIComponent(creatorId)}/titles`, draft);
  }

  // --- admin API (an admin key; docs/serve.md "Admin API") ---------------

  /** `GET /v1/admin/overview?days=`: the dashboard's Overview figures. */
  adminOverview(options: { days?: number } = {}): Promise<AdminOverviewResponse> {
    return this.#call('GET', `/v1/admin/overview${queryString(options)}`);
  }

  /** `GET /v1/admin/experiments?experiment=&days=`: the running experiments and the buckets of one (or of all traffic). */
  adminExperiments(options: { experiment?: string; days?: number } = {}): Promise<AdminExperimentsResponse> {
    return this.#call('GET', `/v1/admin/experiments${queryString(options)}`);
  }

  /** `POST /v1/admin/experiments`: starts an experiment (409 if one of that name runs). */
  createExperiment(body: CreateExperimentBody): Promise<Experiment> {
    return this.#call('POST', '/v1/admin/experiments', body);
  }

  /** `PUT /v1/admin/experiments/{name}/split`. */
  setExperimentSplit(name: string, body: SetSplitBody): Promise<Experiment> {
    return this.#call('PUT', `/v1/admin/experiments/${encodeURIComponent(name)}/split`, body);
  }

  /** `POST /v1/admin/experiments/{name}/stop`: the experiment as it ran. */
  stopExperiment(name: string): Promise<Experiment> {
    return this.#call('POST', `/v1/admin/experiments/${encodeURIComponent(name)}/stop`);
  }

  /** `GET /v1/admin/experiments/{name}/report?days=`: buckets side by side with 95% intervals. */
  experimentReport(name: string, options: { days?: number } = {}): Promise<ExperimentReportResponse> {
    return this.#call(
      'GET',
      `/v1/admin/experiments/${encodeURIComponent(name)}/report${queryString(options)}`,
    );
  }

  /** `GET /v1/admin/models`: the Models page's data (versions, offline results and anchors). */
  adminModels(): Promise<AdminModelsResponse> {
    return this.#call('GET', '/v1/admin/models');
  }

  /** `GET /v1/admin/items?q=&id=`. */
  adminItems(options: { q?: string; id?: string } = {}): Promise<AdminItemsResponse> {
    return this.#call('GET', `/v1/admin/items${queryString(options)}`);
  }

  /** `GET /v1/admin/users?id=`. */
  adminUsers(options: { id?: string } = {}): Promise<AdminUsersResponse> {
    return this.#call('GET', `/v1/admin/users${queryString(options)}`);
  }

  /** `GET /v1/creator/insights?author=&draft=&days=` (admin or read key). */
  creatorInsights(
    options: { author?: string; draft?: string; days?: number } = {},
  ): Promise<CreatorInsightsResponse> {
    return this.#call('GET', `/v1/creator/insights${queryString(options)}`);
  }

  /** `GET /v1/admin/models/versions?name=`: recorded versions, newest first. */
  async modelVersions(name?: string): Promise<ModelVersion[]> {
    const body = await this.#call<ModelVersionsResponse>(
      'GET',
      `/v1/admin/models/versions${queryString({ name })}`,
    );
    return body.versions;
  }

  /**
   * `POST /v1/admin/models/{name}/versions`: uploads a model directory's files
   * (multipart) with their directory checksum, computed here (sha256 over the
   * sorted `path \0 sha256 \n` lines), so the server refuses anything altered on
   * the way. The new version, active unless `activate: false`.
   */
  async publishModel(
    name: string,
    files: readonly ModelFileUpload[],
    options: PublishModelOptions = {},
  ): Promise<ModelVersion> {
    const form = new FormData();
    const digests: Array<{ path: string; sha256: string }> = [];
    for (const file of files) {
      const blob = file.data instanceof Blob ? file.data : new Blob([file.data]);
      digests.push({ path: file.path, sha256: await sha256Hex(await blob.arrayBuffer()) });
      form.append('file', blob, file.path);
    }
    form.append('checksum', await directoryChecksumOf(digests));
    if (options.metrics !== undefined) form.append('metrics', JSON.stringify(options.metrics));
    if (options.activate !== undefined) form.append('activate', String(options.activate));
    return this.#call('POST', `/v1/admin/models/${encodeURIComponent(name)}/versions`, form);
  }

  /** `POST /v1/admin/models/{name}/versions/{version}/activate`. */
  activateModel(name: string, version: number): Promise<ModelVersion> {
    return this.#call('POST', `${modelPath(name)}/versions/${version}/activate`);
  }

  /** `POST /v1/admin/models/{name}/rollback`: activates the newest version below the active one. */
  rollbackModel(name: string): Promise<ModelVersion> {
    return this.#call('POST', `${modelPath(name)}/rollback`);
  }

  /** `DELETE /v1/admin/models/{name}/versions/{version}`: an inactive version (409 for the active one). */
  deleteModelVersion(name: string, version: number): Promise<ModelVersion> {
    return this.#call('DELETE', `${modelPath(name)}/versions/${version}`);
  }

  /** `GET /health/live`. */
  live(): Promise<HealthResponse> {
    return this.#call('GET', '/health/live');
  }

  /** `GET /health/ready`: the report, whether ready (200) or not (503). */
  async ready(): Promise<HealthResponse & { ready: boolean }> {
    const response = await this.#send('GET', '/health/ready');
    if (response.status !== 200 && response.status !== 503) throw await toError(response);
    const body = (await response.json()) as HealthResponse;
    return { ...body, ready: response.status === 200 };
  }

  /** `GET /metrics` (Prometheus text; needs an admin key unless the server opened it). */
  async metrics(): Promise<string> {
    const response = await this.#send('GET', '/metrics');
    if (!response.ok) throw await toError(response);
    return response.text();
  }

  /** `GET /openapi.json`. */
  openapi(): Promise<Record<string, unknown>> {
    return this.#call('GET', '/openapi.json');
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.#send(method, path, body);
    if (!response.ok) throw await toError(response);
    return (await response.json()) as T;
  }

  #send(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#apiKey !== undefined) headers.authorization = `Bearer ${this.#apiKey}`;
    // A form sets its own multipart content type (with the boundary).
    const form = body instanceof FormData;
    if (body !== undefined && !form) headers['content-type'] = 'application/json';
    return this.#fetch(`${this.#baseUrl}${path}`, {
      method,
      headers,
      ...(body !== undefined && { body: form ? body : JSON.stringify(body) }),
    });
  }
}

function queryString(params: Record<string, string | number | undefined>): string {
  const entries = Object.entries(params).filter(([, value]) => value !== undefined);
  if (entries.length === 0) return '';
  return `?${new URLSearchParams(entries.map(([key, value]): [string, string] => [key, String(value)])).toString()}`;
}

function modelPath(name: string): string {
  return `/v1/admin/models/${encodeURIComponent(name)}`;
}

async function sha256Hex(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The registry's directory checksum (`directoryChecksum`), with the web's crypto so the client runs anywhere. */
async function directoryChecksumOf(files: ReadonlyArray<{ path: string; sha256: string }>): Promise<string> {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return sha256Hex(new TextEncoder().encode(sorted.map((file) => `${file.path}\0${file.sha256}\n`).join('')));
}

function count(n: number | undefined): string {
  return n === undefined ? '' : `?n=${encodeURIComponent(String(n))}`;
}

async function toError(response: Response): Promise<GenfeedApiError> {
  const text = await response.text();
  try {
    const { error } = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; field?: unknown } };
    if (error && typeof error.code === 'string' && typeof error.message === 'string') {
      return new GenfeedApiError(
        response.status,
        error.code,
        error.message,
        typeof error.field === 'string' ? error.field : undefined,
      );
    }
  } catch {
    // Not the API's error body (a proxy's page, say): report the status and the start of the text.
  }
  return new GenfeedApiError(response.status, 'http_error', `HTTP ${response.status}: ${text.slice(0, 200)}`);
}
