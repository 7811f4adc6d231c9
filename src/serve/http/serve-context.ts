import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Logger } from '../../core/index.js';
import { defaultTimeWindow, type Store } from '../../storage/index.js';
import type { FeedSource } from '../feed-source.js';
import type { Principal } from './api-keys.js';
import type { ServeMetrics } from './metrics.js';
import type { RequestAttribution } from './request-attribution.js';

export interface ServeLimits {
  /** Largest body of the ingest routes (`POST /v1/items`, `/v1/users`, `/v1/events`) in bytes, 413 beyond. Default 2 MiB. */
  maxBodyBytes: number;
  /**
   * Largest body of every other route (a title draft, the dashboard's login
   * form, routes that take none), never above `maxBodyBytes`. Default 128 KiB:
   * the largest title draft, every character escaped, is about 76 KB.
   */
  maxOtherBodyBytes: number;
  /**
   * Largest model upload (`POST /v1/admin/models/{name}/versions`, multipart)
   * in bytes, 413 beyond. The upload is held in memory while it is parsed and
   * written out, so this bounds a publish's memory too. Default 256 MiB.
   */
  maxModelBytes: number;
  /** Most records in one ingest request. Default 1,000. */
  maxBatch: number;
  /** Default and largest `n` of the feed and similar-items routes. Default 10 and 200. */
  defaultCount: number;
  maxCount: number;
  /**
   * How far before and after the server's clock an ingested time may lie
   * (event `time`, item `uploadTime`), 400 beyond. Default 10 years back and
   * 1 day ahead. A simulation whose clock runs ahead (the demo) widens the second.
   */
  timeWindowPastMs: number;
  timeWindowFutureMs: number;
}

export const defaultLimits: ServeLimits = {
  maxBodyBytes: 2 * 1024 * 1024,
  maxOtherBodyBytes: 128 * 1024,
  maxModelBytes: 256 * 1024 * 1024,
  maxBatch: 1000,
  defaultCount: 10,
  maxCount: 200,
  timeWindowPastMs: defaultTimeWindow.pastMs,
  timeWindowFutureMs: defaultTimeWindow.futureMs,
};

/** The model upload route as registered (its own body limit, `maxModelBytes`). */
export const MODEL_UPLOAD_ROUTE = '/v1/admin/models/:name/versions';

/** What the route handlers share. */
export interface ServeContext {
  store: Store;
  feeds: FeedSource;
  limits: ServeLimits;
  metrics: ServeMetrics;
  logger: Logger;
  attribution: RequestAttribution;
}

export type ServeEnv = { Variables: { principal?: Principal } };
export type ServeApp = OpenAPIHono<ServeEnv>;
