import { openSqliteStore, type Store } from '../../storage/index.js';
import { type AppOptions, createApp } from '../app.js';
import type { FeedSource } from '../feed-source.js';
import { ApiKeys } from '../http/api-keys.js';
import { ServeMetrics } from '../http/metrics.js';
import { PopularFeedSource } from '../http/popular-feed-source.js';
import type { ServeApp } from '../http/serve-context.js';

/** Keys of the test apps, one per scope. */
export const testKeys = {
  read: 'read-key-0123456789abcdef',
  write: 'write-key-0123456789abcdef',
  admin: 'admin-key-0123456789abcdef',
  /** A creator's key, bound to the creator "chef". */
  chef: 'chef-key-0123456789abcdef',
} as const;

export const apiKeys = ApiKeys.from([
  { key: testKeys.read, scopes: ['read'], name: 'reader' },
  { key: testKeys.write, scopes: ['write'], name: 'writer' },
  { key: testKeys.admin, scopes: ['admin'], name: 'operator' },
  { key: testKeys.chef, scopes: ['read'], name: 'chef studio', creator: 'chef' },
]);

export interface TestApp {
  app: ServeApp;
  store: Store;
  feeds: FeedSource;
  /** `app.request` with a key and a JSON body. */
  call(method: string, path: string, options?: { key?: string | null; body?: unknown }): Promise<Response>;
}

/** An app over `options.store` (default an in-memory SQLite store) and the popular-items feed source. */
export async function testApp(options: Partial<AppOptions> = {}): Promise<TestApp> {
  const store = options.store ?? (await openSqliteStore({ path: ':memory:' }));
  const feeds = options.feeds ?? new PopularFeedSource(store);
  const app = createApp({
    store,
    feeds,
    keys: apiKeys,
    metrics: new ServeMetrics({ processMetrics: false }),
    ...options,
  });
  const call: TestApp['call'] = (method, path, { key = testKeys.admin, body } = {}) => {
    const headers: Record<string, string> = {};
    if (key !== null) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    return Promise.resolve(
      app.request(path, { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }) }),
    );
  };
  return { app, store, feeds, call };
}

/** A response's JSON body, loosely typed: tests check its shape with `expect`. */
// biome-ignore lint/suspicious/noExplicitAny: the assertions check the shape
export const json = (response: Response): Promise<any> => response.json();
