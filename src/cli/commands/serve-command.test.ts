import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogueInputs, writeRewardedGenerativeModel } from '../../serve/test-support/tiny-reward.js';
import { openSqliteStore } from '../../storage/index.js';
import type { CliIo } from '../cli-io.js';
import { main } from '../main.js';

function captureIo(onOut: (text: string) => void): CliIo & { stderr: string[] } {
  const stderr: string[] = [];
  return {
    stderr,
    out: onOut,
    logger: {
      info: (message) => void stderr.push(message),
      warn: (message) => void stderr.push(`warning: ${message}`),
      error: (message) => void stderr.push(`error: ${message}`),
      debug: () => {},
    },
    interactive: false,
  };
}

const DAY_MS = 86_400_000;

/** Runs `genfeed serve` with `args` until it prints its URL; `stop` delivers SIGTERM to its handler and answers the exit code. */
async function serving(
  args: readonly string[],
  io: CliIo & { stderr: string[] },
  announced: Promise<string>,
) {
  const before = new Set(process.listeners('SIGTERM'));
  const exit = main(['node', 'genfeed', 'serve', ...args], io);
  const url = await Promise.race([
    announced,
    exit.then((code) => Promise.reject(new Error(`exited ${code}: ${io.stderr.join('\n')}`))),
  ]);
  const stop = async () => {
    const handlers = process.listeners('SIGTERM').filter((listener) => !before.has(listener));
    for (const handler of handlers) (handler as (signal: NodeJS.Signals) => void)('SIGTERM');
    return exit;
  };
  return { url, stop };
}

describe('genfeed serve', () => {
  it('serves the API on a SQLite file with keys from a file, and closes the store on SIGTERM', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'genfeed-serve-cli-'));
    const db = join(folder, 'store.sqlite');
    const keysFile = join(folder, 'keys.json');
    const key = 'cli-test-key-0123456789abcdef';
    writeFileSync(keysFile, JSON.stringify({ keys: [{ key, scopes: ['read', 'write'], name: 'app' }] }));

    // The feed service reads the catalogue at start (and then every minute): items written before serving.
    const seeded = await openSqliteStore({ path: db });
    await seeded.upsertItems([{ id: 'v1' }, { id: 'v2' }]);
    await seeded.close();

    const lines: string[] = [];
    let announce: (url: string) => void = () => {};
    const listening = new Promise<string>((resolve) => {
      announce = resolve;
    });
    const io = captureIo((text) => {
      lines.push(text);
      const match = /genfeed API on (\S+)/.exec(text);
      if (match) announce(match[1]!);
    });
    const before = new Set(process.listeners('SIGTERM'));
    const exit = main(
      [
        'node',
        'genfeed',
        'serve',
        '--db',
        db,
        '--port',
        '0',
        '--keys',
        keysFile,
        '--models',
        join(folder, 'models'),
      ],
      io,
    );
    const url = await Promise.race([
      listening,
      exit.then((code) => Promise.reject(new Error(`exited ${code}: ${io.stderr.join('\n')}`))),
    ]);
    expect(lines.join('\n')).toContain(`${url}/openapi.json`);

    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const written = await fetch(`${url}/v1/items`, {
      method: 'POST',
      headers,
      body: JSON.stringify([{ id: 'v3' }]),
    });
    expect(written.status).toBe(200);
    const feed = (await (await fetch(`${url}/v1/users/u1/feed?n=2`, { headers })).json()) as {
      items: unknown[];
      pipeline: string;
    };
    expect(feed.items.length).toBeGreaterThan(0);
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);
    expect((await fetch(`${url}/metrics`, { headers })).status).toBe(403);
    // The dashboard is mounted: its login page answers, and its admin JSON needs an admin key.
    expect(lines.join('\n')).toContain(`${url}/dashboard`);
    expect(await (await fetch(`${url}/dashboard/login`)).text()).toContain('API key');
    expect((await fetch(`${url}/v1/admin/overview`, { headers })).status).toBe(403);
    expect((await fetch(`${url}/v1/admin/overview`)).status).toBe(401);

    // Deliver SIGTERM to the command's handler only (not to the test runner's own listeners).
    const handlers = process.listeners('SIGTERM').filter((listener) => !before.has(listener));
    expect(handlers).toHaveLength(1);
    (handlers[0] as (signal: NodeJS.Signals) => void)('SIGTERM');
    expect(await exit).toBe(0);
    const store = await openSqliteStore({ path: db });
    expect(await store.counts()).toMatchObject({ items: 3, requests: 1 });
    await store.close();
  }, 30_000);

  it('refuses a key file with a short key, naming the file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'genfeed-serve-cli-'));
    const keysFile = join(folder, 'keys.json');
    writeFileSync(keysFile, JSON.stringify([{ key: 'short', scopes: ['read'] }]));
    const io = captureIo(() => {});
    const code = await main(
      ['node', 'genfeed', 'serve', '--db', join(folder, 's.sqlite'), '--keys', keysFile],
      io,
    );
    expect(code).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/keys\.json.*"\[0\]\.key": a key needs at least 16 characters/);
  });

  it('serves a published generative directory with its reward model as the rerank stage', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'genfeed-serve-cli-'));
    const db = join(folder, 'store.sqlite');
    const seeded = await openSqliteStore({ path: db });
    await seeded.upsertItems(catalogueInputs());
    // A user with a history, so the model (not the cold-start feed) serves them.
    await seeded.upsertEvents(
      ['video-0', 'video-1'].map((itemId, i) => ({ id: `e${i}`, userId: 'u1', itemId, time: i })),
      { createMissing: true },
    );
    await seeded.close();
    const trained = await writeRewardedGenerativeModel(join(folder, 'trained'));
    const flags = ['--db', db, '--models', join(folder, 'models')];
    expect(
      await main(
        ['node', 'genfeed', 'models', 'publish', 'generative', trained, ...flags],
        captureIo(() => {}),
      ),
    ).toBe(0);

    const key = 'cli-reward-key-0123456789abcdef';
    process.env.GENFEED_API_KEYS = JSON.stringify([{ key, scopes: ['read', 'write'] }]);
    let announce: (url: string) => void = () => {};
    const listening = new Promise<string>((resolve) => {
      announce = resolve;
    });
    const io = captureIo((text) => {
      const match = /genfeed API on (\S+)/.exec(text);
      if (match) announce(match[1]!);
    });
    const before = new Set(process.listeners('SIGTERM'));
    const exit = main(['node', 'genfeed', 'serve', '--port', '0', ...flags], io);
    try {
      const url = await Promise.race([
        listening,
        exit.then((code) => Promise.reject(new Error(`exited ${code}: ${io.stderr.join('\n')}`))),
      ]);
      const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
      const feed = (await (await fetch(`${url}/v1/users/u1/feed?n=3`, { headers })).json()) as {
        pipeline: string;
        modelVersion: string;
        stages: Record<string, unknown>;
        items: Array<{ score: number; scores?: Record<string, number> }>;
      };
      expect(feed.pipeline).toBe('generative');
      expect(Object.keys(feed.stages)).toContain('rerank');
      expect(feed.items.length).toBeGreaterThan(0);
      for (const item of feed.items) expect(item.scores?.reward).toBe(item.score);
    } finally {
      delete process.env.GENFEED_API_KEYS;
      const handlers = process.listeners('SIGTERM').filter((listener) => !before.has(listener));
      for (const handler of handlers) (handler as (signal: NodeJS.Signals) => void)('SIGTERM');
      await exit;
    }
  }, 60_000);
  it('takes the ingest time window from --time-window-past-days and --time-window-future-days', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'genfeed-serve-cli-'));
    const key = 'cli-window-key-0123456789abcdef';
    const keysFile = join(folder, 'keys.json');
    writeFileSync(keysFile, JSON.stringify([{ key, scopes: ['write'] }]));
    let announce: (url: string) => void = () => {};
    const announced = new Promise<string>((resolve) => {
      announce = resolve;
    });
    const io = captureIo((text) => {
      const match = /genfeed API on (\S+)/.exec(text);
      if (match) announce(match[1]!);
    });
    const { url, stop } = await serving(
      [
        ...['--db', join(folder, 'store.sqlite'), '--port', '0', '--keys', keysFile],
        ...['--models', join(folder, 'models')],
        // 20 years back (the default is 10), 6 hours ahead (the default is a day).
        ...['--time-window-past-days', '7305', '--time-window-future-days', '0.25'],
      ],
      io,
      announced,
    );
    try {
      const post = (path: string, body: unknown) =>
        fetch(`${url}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      expect((await post('/v1/items', { id: 'v1' })).status).toBe(200);
      const now = Date.now();
      const event = (id: string, time: number) => ({ id, userId: 'u1', itemId: 'v1', time });
      // Widened: 15 years back is refused by default, accepted here (an upload time too).
      expect((await post('/v1/events', event('old', now - 15 * 365 * DAY_MS))).status).toBe(200);
      expect((await post('/v1/items', { id: 'v2', uploadTime: now - 15 * 365 * DAY_MS })).status).toBe(200);
      // Narrowed: 12 hours ahead is accepted by default, refused here.
      const ahead = await post('/v1/events', event('ahead', now + DAY_MS / 2));
      expect(ahead.status).toBe(400);
      expect(((await ahead.json()) as { error: { field: string } }).error.field).toBe('time');
      expect((await post('/v1/events', event('soon', now + DAY_MS / 8))).status).toBe(200);
    } finally {
      expect(await stop()).toBe(0);
    }
    const store = await openSqliteStore({ path: join(folder, 'store.sqlite') });
    expect((await store.counts()).events).toBe(2);
    await store.close();
  }, 30_000);

  it.each([
    ['--time-window-past-days', 'abc'],
    ['--time-window-past-days', '0'],
    ['--time-window-future-days', '-1'],
    ['--time-window-future-days', ''],
  ])('refuses %s %j, naming the flag', async (flag, value) => {
    const folder = mkdtempSync(join(tmpdir(), 'genfeed-serve-cli-'));
    const io = captureIo(() => {});
    const code = await main(['node', 'genfeed', 'serve', '--db', join(folder, 's.sqlite'), flag, value], io);
    expect(code).toBe(2);
    const message = io.stderr.join('\n');
    expect(message).toContain(`option '${flag} <days>' argument '${value}' is invalid`);
    expect(message).toContain('expected a positive number of days (0.5 is 12 hours) or "unlimited"');
  });
  it('lists the time window flags with their defaults in its help', async () => {
    const lines: string[] = [];
    expect(
      await main(
        ['node', 'genfeed', 'serve', '--help'],
        captureIo((text) => lines.push(text)),
      ),
    ).toBe(0);
    const help = lines.join('\n').replace(/\s+/g, ' ');
    expect(help).toContain('--time-window-past-days <days>');
    expect(help).toContain('default 3653 days');
    expect(help).toMatch(/--time-window-future-days <days> .* default 1 day\)/);
  });
});
