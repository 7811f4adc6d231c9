import type { Signals } from '../data/index.js';

/** A served feed as the driver reads it from `GET /v1/users/{id}/feed`. */
export interface DriverFeed {
  requestId: string;
  pipeline: string;
  experiment?: string;
  itemIds: string[];
  /** Server-measured CPU and wall time of the feed (0 when the response leaves them out). */
  cpuMs: number;
  latencyMs: number;
}

/** One response to a served item, as the driver posts it to `POST /v1/events` (a batch is a JSON array). */
export interface DriverEvent {
  id: string;
  userId: string;
  itemId: string;
  time: number;
  requestId: string;
  pipeline: string;
  position: number;
  experiment?: string;
  signals: Signals;
}

/** The two calls the simulated users make: what the driver needs of the HTTP API. */
export interface FeedApi {
  feed(userId: string, n: number): Promise<DriverFeed>;
  postEvents(events: readonly DriverEvent[]): Promise<void>;
}

export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly url: string,
    body: string,
  ) {
    super(`${url} answered ${status}: ${body.slice(0, 300)}`);
    this.name = 'HttpStatusError';
  }
}

export interface HttpFeedApiOptions {
  /** Sent as `Authorization: Bearer <key>` when the server needs keys. */
  apiKey?: string;
}

/** The FeedApi over real HTTP (fetch, keep-alive) against a genfeed server at `baseUrl`. */
export function httpFeedApi(baseUrl: string, options: HttpFeedApiOptions = {}): FeedApi {
  const base = baseUrl.replace(/\/+$/, '');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  return {
    async feed(userId, n) {
      const url = `${base}/v1/users/${encodeURIComponent(userId)}/feed?n=${n}`;
      const response = await fetch(url, { headers });
      const text = await response.text();
      if (!response.ok) throw new HttpStatusError(response.status, url, text);
      return parseFeed(JSON.parse(text), url);
    },
    async postEvents(events) {
      if (events.length === 0) return;
      const url = `${base}/v1/events`;
      const response = await fetch(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(events),
      });
      const text = await response.text();
      if (!response.ok) throw new HttpStatusError(response.status, url, text);
    },
  };
}

/** Reads a feed response body, naming what is missing. */
export function parseFeed(body: unknown, where: string): DriverFeed {
  const value = body as Record<string, unknown> | null;
  if (typeof value !== 'object' || value === null)
    throw new TypeError(`${where}: feed body is not an object`);
  const { requestId, pipeline, items } = value;
  if (typeof requestId !== 'string') throw new TypeError(`${where}: feed has no string "requestId"`);
  if (typeof pipeline !== 'string') throw new TypeError(`${where}: feed has no string "pipeline"`);
  if (!Array.isArray(items)) throw new TypeError(`${where}: feed has no "items" array`);
  const itemIds = items.map((item, i) => {
    const id = (item as { itemId?: unknown } | null)?.itemId;
    if (typeof id !== 'string') throw new TypeError(`${where}: items[${i}] has no string "itemId"`);
    return id;
  });
  const number = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
  const feed: DriverFeed = {
    requestId,
    pipeline,
    itemIds,
    cpuMs: number(value.cpuMs),
    latencyMs: number(value.latencyMs),
  };
  if (typeof value.experiment === 'string') feed.experiment = value.experiment;
  return feed;
}
