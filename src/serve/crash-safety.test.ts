import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../storage/index.js';

// The storage module's hooks that let `node` run the TypeScript sources without a build.
const loader = new URL('../storage/test-support/typescript-loader.mjs', import.meta.url).href;
const register = `import { register } from 'node:module'; register(${JSON.stringify(loader)});`;
const key = 'crash-test-key-0123456789';
const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };

function startChild(path: string): { child: ChildProcess; url: Promise<string> } {
  const child = spawn(
    process.execPath,
    [
      '--import',
      `data:text/javascript,${encodeURIComponent(register)}`,
      new URL('./test-support/crash-server.ts', import.meta.url).pathname,
      path,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GENFEED_TEST_KEY: key } },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const url = new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
      const match = /listening (\S+)\n/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`server exited (${code ?? signal}) before listening: ${stderr}`)),
    );
  });
  return { child, url };
}

const exited = (child: ChildProcess) =>
  new Promise<NodeJS.Signals | number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode ?? child.exitCode);
    else child.once('exit', (code, signal) => resolve(signal ?? code));
  });

let directory = '';
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'genfeed-serve-crash-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('HTTP ingest crash safety', () => {
  it('keeps every acknowledged event when the server is killed with SIGKILL mid-stream', async () => {
    const path = join(directory, 'serve.sqlite');
    const first = startChild(path);
    const url = await first.url;
    const items = Array.from({ length: 20 }, (_, index) => ({ id: `v${index}` }));
    expect(
      (await fetch(`${url}/v1/items`, { method: 'POST', headers, body: JSON.stringify(items) })).status,
    ).toBe(200);

    // Four concurrent streams of 200-event batches; kill the server once enough batches were acknowledged,
    // while the next ones are in flight.
    const batchSize = 200;
    const acknowledged: string[] = [];
    let batches = 0;
    let killed = false;
    const stream = async (streamId: number) => {
      for (let batch = 0; !killed; batch++) {
        const events = Array.from({ length: batchSize }, (_, index) => ({
          id: `s${streamId}-b${batch}-e${index}`,
          userId: `u${index % 37}`,
          itemId: `v${index % items.length}`,
          time: 1_767_600_000_000 + batch * batchSize + index,
          signals: { click: 1, playTimeMs: index },
        }));
        let response: Response;
        try {
          response = await fetch(`${url}/v1/events`, {
            method: 'POST',
            headers,
            body: JSON.stringify(events),
          });
        } catch {
          return; // the connection died with the server: not acknowledged
        }
        if (response.status !== 200)
          throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
        const body = (await response.json()) as { ids: string[] };
        acknowledged.push(...body.ids);
        if (++batches >= 12 && !killed) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all([0, 1, 2, 3].map(stream));
    expect(await exited(first.child)).toBe('SIGKILL');
    expect(acknowledged.length).toBeGreaterThanOrEqual(12 * batchSize);

    // The restarted server recovers the file, answers ready and takes writes again.
    const second = startChild(path);
    const secondUrl = await second.url;
    const ready = await fetch(`${secondUrl}/health/ready`);
    expect(ready.status).toBe(200);
    const after = { userId: 'u-after', itemId: 'v0', time: Date.now(), id: 'after-restart' };
    expect(
      (await fetch(`${secondUrl}/v1/events`, { method: 'POST', headers, body: JSON.stringify(after) }))
        .status,
    ).toBe(200);
    second.child.kill('SIGTERM');
    expect(await exited(second.child)).toBe(0);

    const store = await openSqliteStore({ path });
    const stored = new Set<string>();
    for await (const event of store.streamEvents()) stored.add(event.id);
    await store.close();
    const lost = acknowledged.filter((id) => !stored.has(id));
    expect(lost).toEqual([]);
    expect(stored.has('after-restart')).toBe(true);
    // Batches are transactions: whatever was stored beyond the acknowledged ones is whole batches.
    expect((stored.size - 1) % batchSize).toBe(0);
  }, 60_000);
});
