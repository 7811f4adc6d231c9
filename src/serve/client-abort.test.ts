import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../core/index.js';
import { openSqliteStore } from '../storage/index.js';
import { PopularFeedSource } from './http/popular-feed-source.js';
import { type RunningServer, startServer } from './server.js';
import { apiKeys, testKeys } from './test-support/test-app.js';

const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn(), debug: vi.fn() } satisfies Logger;
let server: RunningServer;

beforeAll(async () => {
  const store = await openSqliteStore({ path: ':memory:' });
  server = await startServer({ store, feeds: new PopularFeedSource(store), keys: apiKeys, logger });
});
afterAll(() => server.close());

/** Starts an upload over a raw socket, sends part of its declared body, then hangs up. */
async function abandonUpload(path: string): Promise<void> {
  const socket = connect(server.port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: genfeed\r\nAuthorization: Bearer ${testKeys.write}\r\n` +
      'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n[{"id":"half-sent"',
  );
  await new Promise((resolve) => setTimeout(resolve, 50));
  socket.destroy();
}

describe('a client that hangs up mid-upload', () => {
  it('is logged as one info line without a stack, not as an unexpected error', async () => {
    await abandonUpload('/v1/items');
    await vi.waitFor(() => expect(logger.info).toHaveBeenCalled());
    expect(logger.error).not.toHaveBeenCalled();
    expect(logger.info).toHaveBeenCalledTimes(1);
    const line = logger.info.mock.calls[0]![0] as string;
    expect(line).toBe('POST /v1/items: client aborted the request');
  });
});
