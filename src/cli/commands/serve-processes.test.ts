import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../storage/index.js';
import { spawnTypeScript } from '../../storage/test-support/run-typescript.js';

/** One HTTP request on a connection of its own (no keep-alive), so the cluster spreads them over its processes. */
function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
});

describe('genfeed serve --processes', () => {
  it('runs several servers on one port and store: shared dashboard logins, no repeated feed items, all stopped by SIGTERM', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'genfeed-serve-processes-'));
    const db = join(folder, 'store.sqlite');
    const keysFile = join(folder, 'keys.json');
    const key = 'cluster-test-key-0123456789abcdef';
    writeFileSync(keysFile, JSON.stringify([{ key, scopes: ['admin'], name: 'ops' }]));
    const seeded = await openSqliteStore({ path: db });
    await seeded.upsertItems(Array.from({ length: 60 }, (_, index) => ({ id: `v${index}` })));
    await seeded.close();

    child = spawnTypeScript(new URL('../test-support/run-cli.ts', import.meta.url), [
      'serve',
      '--processes',
      '2',
      '--port',
      '0',
      '--db',
      db,
      '--keys',
      keysFile,
      '--models',
      join(folder, 'models'),
    ]);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child?.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const poll = setInterval(() => {
        const match = /genfeed API on (\S+): 2 server processes/.exec(output);
        if (match) {
          clearInterval(poll);
          resolve(match[1]!);
        }
      }, 50);
      void exited.then((code) => {
        clearInterval(poll);
        reject(new Error(`exited ${code}: ${output}`));
      });
    });
    // Both processes said they serve (the primary announces the URL only then).
    expect(output.match(/process \d+ serving/g)).toHaveLength(2);
    // Each runs with two malloc arenas unless the operator chose (Linux: its environment in /proc).
    for (const [, pid] of output.matchAll(/process (\d+) serving/g)) {
      const environ = `/proc/${pid}/environ`;
      if (!existsSync(environ)) continue;
      const variables = readFileSync(environ, 'utf8').split('\0');
      expect(variables).toContain(`MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX ?? '2'}`);
    }

    // A login made on one process opens the dashboard on every one (sessions in the store).
    const login = await send(`${url}/dashboard/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ key, next: '/dashboard' }).toString(),
    });
    expect(login.status).toBe(303);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const pages = await Promise.all(
      Array.from({ length: 8 }, () => send(`${url}/dashboard/models`, { headers: { cookie } })),
    );
    expect(pages.map((page) => page.status)).toEqual(Array(8).fill(200));

    // Concurrent feeds for one user across the processes repeat nothing (claims in the store).
    const feeds = await Promise.all(
      Array.from({ length: 12 }, () =>
        send(`${url}/v1/users/u1/feed?n=4`, { headers: { authorization: `Bearer ${key}` } }),
      ),
    );
    expect(feeds.map((feed) => feed.status)).toEqual(Array(12).fill(200));
    const served = feeds.flatMap((feed) => (JSON.parse(feed.body) as { items: { itemId: string }[] }).items);
    expect(served.length).toBeGreaterThan(0);
    expect(new Set(served.map((item) => item.itemId)).size).toBe(served.length);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toMatch(/SIGTERM: stopping 2 server processes/);
  }, 180_000);

  it('refuses a process count out of range, naming the flag', async () => {
    const { main } = await import('../main.js');
    const messages: string[] = [];
    const code = await main(['node', 'genfeed', 'serve', '--processes', '0'], {
      out: (text) => void messages.push(text),
      logger: {
        info: () => {},
        warn: () => {},
        error: (message) => void messages.push(message),
        debug: () => {},
      },
      interactive: false,
    });
    expect(code).not.toBe(0);
    expect(messages.join('\n')).toMatch(/--processes must be between 1 and 64, got 0/);
  });
});
