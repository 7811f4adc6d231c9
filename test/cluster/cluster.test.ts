import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/index.js';
import { ModelRegistry, readCatalogue } from '../../src/serve/index.js';
import {
  catalogueInputs,
  itemIds,
  writeGenerativeModel,
} from '../../src/serve/pipelines/test-support/tiny-world.js';
import { openPostgresStore, redactPassword } from '../../src/storage/index.js';
import {
  freePort,
  genfeed,
  haproxyMissing,
  type Running,
  startHaproxy,
  startServer,
  stop,
  waitForOutput,
} from './cluster-processes.js';

/**
 * Issue 17, part 4: three `genfeed serve` processes on one PostgreSQL database
 * (created for the run, dropped afterwards) behind HAProxy with
 * deploy/haproxy.cfg, all on loopback ports, as docs/deploy.md runs them on
 * several machines. Needs GENFEED_TEST_POSTGRES_URL (a role that may create
 * databases) and `haproxy` on the PATH; `.ci/run` provides both and sets
 * GENFEED_REQUIRE_POSTGRES=1 and GENFEED_REQUIRE_BALANCER=1, which turn a
 * missing one into a failure instead of a skip.
 */
const url = process.env.GENFEED_TEST_POSTGRES_URL;
const noBalancer = haproxyMissing();
const noPostgres = url === undefined ? 'GENFEED_TEST_POSTGRES_URL is not set' : await unreachable(url);
if (process.env.GENFEED_REQUIRE_POSTGRES === '1' && noPostgres !== undefined)
  throw new Error(`GENFEED_REQUIRE_POSTGRES=1 but ${noPostgres}`);
if (process.env.GENFEED_REQUIRE_BALANCER === '1' && noBalancer !== undefined)
  throw new Error(`GENFEED_REQUIRE_BALANCER=1 but ${noBalancer}`);
const skipReason = noPostgres ?? noBalancer;

const SERVERS = 3;
const key = 'cluster-test-key-0123456789abcdef';
const auth = { authorization: `Bearer ${key}` };

async function unreachable(connectionString: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return `no PostgreSQL answers at ${redactPassword(connectionString)} (${(error as Error).message})`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The same server URL with another database name. */
function withDatabase(connectionString: string, database: string): string {
  const copy = new URL(connectionString);
  copy.pathname = `/${database}`;
  return copy.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>, connectionString = url!): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

interface Answer {
  status: number;
  server: string | null;
  body: string;
}

async function call(base: string, path: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    ...init,
    headers: { ...auth, ...(init.body !== undefined && { 'content-type': 'application/json' }) },
    signal: AbortSignal.timeout(15_000),
  });
  return {
    status: response.status,
    server: response.headers.get('x-genfeed-server'),
    body: await response.text(),
  };
}

(skipReason === undefined ? describe : describe.skip)(
  skipReason === undefined
    ? 'a cluster: three genfeed serve processes on one PostgreSQL behind HAProxy'
    : `a cluster behind HAProxy (skipped: ${skipReason})`,
  () => {
    const database = `genfeed_cluster_${randomBytes(4).toString('hex')}`;
    let databaseUrl = '';
    let folder = '';
    let keys = '';
    const ports: number[] = [];
    const servers: (Running | undefined)[] = [];
    let balancer: Running | undefined;
    let balancerUrl = '';
    const direct = (index: number) => `http://127.0.0.1:${ports[index]}`;
    const restart = async (index: number) => {
      servers[index] = await startServer({
        port: ports[index]!,
        database: databaseUrl,
        models: join(folder, `cache-${index}`),
        keys,
      });
    };
    /** Resolves once answers through the balancer have come from every server in `names`. */
    const balancedOver = async (names: readonly string[], timeoutMs = 20_000) => {
      const seen = new Set<string>();
      const started = Date.now();
      while (names.some((name) => !seen.has(name))) {
        if (Date.now() - started > timeoutMs)
          throw new Error(
            `the balancer sent nothing to ${names.filter((name) => !seen.has(name))}: ${balancer?.output()}`,
          );
        // Refused while HAProxy starts.
        const answer = await call(balancerUrl, '/health/ready').catch(() => undefined);
        if (answer?.status === 200 && answer.server !== null) seen.add(answer.server);
        else await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };

    beforeAll(async () => {
      try {
        await admin((client) => client.query(`create database ${database}`));
      } catch (error) {
        throw new Error(
          `the cluster test needs a database of its own: ${(error as Error).message} (.ci/run creates the genfeed role with CREATEDB)`,
        );
      }
      databaseUrl = withDatabase(url!, database);
      folder = await mkdtemp(join(tmpdir(), 'genfeed-cluster-'));
      keys = join(folder, 'keys.json');
      await writeFile(keys, JSON.stringify([{ key, scopes: ['admin'], name: 'cluster test' }]));
      // The catalogue and two versions of a tiny model in the store: version 1 active, 2 recorded.
      const store = await openPostgresStore({ connectionString: databaseUrl, maxConnections: 2 });
      try {
        await store.upsertItems(catalogueInputs());
        const registry = new ModelRegistry({
          store,
          root: join(folder, 'publisher'),
          catalogue: () => readCatalogue(store),
          logger: silentLogger,
        });
        await registry.publish('generative', await writeGenerativeModel(join(folder, 'v1'), { seed: 3 }));
        await registry.publish('generative', await writeGenerativeModel(join(folder, 'v2'), { seed: 4 }), {
          activate: false,
        });
        await registry.close();
      } finally {
        await store.close();
      }
      for (let index = 0; index < SERVERS + 1; index++) ports.push(await freePort());
      await Promise.all(Array.from({ length: SERVERS }, (_, index) => restart(index)));
      const balancerPort = ports.pop()!;
      balancerUrl = `http://127.0.0.1:${balancerPort}`;
      balancer = startHaproxy(balancerPort, ports);
      await balancedOver(['api1', 'api2', 'api3'], 30_000);
    }, 180_000);

    afterAll(async () => {
      await Promise.all([...servers, balancer].map((running) => stop(running)));
      if (databaseUrl !== '')
        // An autovacuum worker in it (not ours to end) can refuse the drop: a leftover, not a failure.
        await admin((client) => client.query(`drop database if exists ${database} with (force)`)).catch(
          () => {},
        );
      if (folder !== '') await rm(folder, { recursive: true, force: true });
    }, 60_000);

    it('ingests idempotently on any server, and feeds repeat nothing to a user while requests alternate between servers', async () => {
      // One batch sent to two servers is stored once.
      const users = Array.from({ length: 20 }, (_, index) => `cluster-user-${index}`);
      const history = users.flatMap((userId, user) =>
        [0, 1, 2].map((step) => ({
          id: `history-${user}-${step}`,
          userId,
          itemId: itemIds[(user * 3 + step) % itemIds.length]!,
          time: Date.now() - (3 - step) * 60_000,
          signals: { playTimeMs: 9000 },
        })),
      );
      for (const index of [0, 1]) {
        const answer = await call(direct(index), '/v1/events', {
          method: 'POST',
          body: JSON.stringify(history),
        });
        expect(answer.status, answer.body).toBe(200);
      }
      const stored = await admin(
        (client) => client.query('select count(*)::int as n from events where id like $1', ['history-%']),
        databaseUrl,
      );
      expect(stored.rows[0].n).toBe(history.length);

      // Each round asks for a user's feed through the balancer and from every server at once.
      const bases = [balancerUrl, ...ports.map((_, index) => direct(index))];
      const servedBy = new Set<string>();
      const repeats: string[] = [];
      let items = 0;
      await Promise.all(
        users.map(async (userId) => {
          const seen = new Set<string>();
          for (let round = 0; round < 2; round++) {
            const answers = await Promise.all(
              bases.map((base) => call(base, `/v1/users/${userId}/feed?n=2`)),
            );
            for (const answer of answers) {
              expect(answer.status, answer.body).toBe(200);
              if (answer.server !== null) servedBy.add(answer.server);
              for (const item of (JSON.parse(answer.body) as { items: { itemId: string }[] }).items) {
                if (seen.has(item.itemId)) repeats.push(`${userId}: ${item.itemId}`);
                seen.add(item.itemId);
                items++;
              }
            }
          }
        }),
      );
      expect(repeats).toEqual([]);
      expect(items).toBeGreaterThan(users.length * 8 * 2 * 0.9);
      expect([...servedBy].sort()).toEqual(['api1', 'api2', 'api3']);
    }, 60_000);

    it('serves a version activated with genfeed models activate on every server within 10 s', async () => {
      const versionOf = async (index: number) => {
        const answer = await call(direct(index), '/health/ready');
        const body = JSON.parse(answer.body) as { pipelines: { name: string; modelVersion?: string }[] };
        return body.pipelines.find((pipeline) => pipeline.name === 'generative')?.modelVersion;
      };
      for (let index = 0; index < SERVERS; index++) expect(await versionOf(index)).toBe('generative@1');
      const activation = genfeed([
        'models',
        'activate',
        'generative',
        '2',
        '--postgres',
        databaseUrl,
        '--models',
        join(folder, 'activator'),
      ]);
      // Each phase is bounded below the test's 90 s, so a hang fails naming its phase and the CLI's output.
      await waitForOutput(activation, /generative@2 active/, 45_000);
      const activated = performance.now();
      const lag: number[] = [];
      await Promise.all(
        ports.map(async (_, index) => {
          while ((await versionOf(index)) !== 'generative@2') {
            if (performance.now() - activated > 10_000) break;
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          lag[index] = (performance.now() - activated) / 1000;
        }),
      );
      let exitWait: NodeJS.Timeout | undefined;
      const exitCode = await Promise.race([
        activation.exited,
        new Promise<never>((_, reject) => {
          exitWait = setTimeout(
            () =>
              reject(
                new Error(
                  `genfeed models activate printed its version but did not exit within 15 s:\n${activation.output()}`,
                ),
              ),
            15_000,
          );
        }),
      ]).finally(() => clearTimeout(exitWait));
      expect(exitCode).toBe(0);
      for (let index = 0; index < SERVERS; index++) expect(await versionOf(index)).toBe('generative@2');
      expect(Math.max(...lag)).toBeLessThan(10);
    }, 90_000);

    it('loses no acknowledged event when one server is killed -9 under ingest load, keeps answering, and the restarted server rejoins (3 runs)', async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        for (let run = 0; run < SERVERS; run++) {
          const victim = run;
          const acknowledged: string[] = [];
          const outcomes: { startedMs: number; ok: boolean; status: number }[] = [];
          let killedAt = Number.POSITIVE_INFINITY;
          let stopAt = Number.POSITIVE_INFINITY;
          const started = performance.now();
          const loop = async (stream: number) => {
            for (let batch = 0; performance.now() < stopAt; batch++) {
              const events = Array.from({ length: 10 }, (_, event) => ({
                id: `kill-${run}-${stream}-${batch}-${event}`,
                userId: `load-user-${stream}`,
                itemId: itemIds[(batch + event) % itemIds.length]!,
                time: Date.now(),
                signals: { playTimeMs: 1000 + event },
              }));
              const startedMs = performance.now();
              let status = 0;
              try {
                status = (
                  await call(balancerUrl, '/v1/events', { method: 'POST', body: JSON.stringify(events) })
                ).status;
              } catch {
                // a network error: not acknowledged
              }
              const ok = status >= 200 && status < 300;
              if (ok) acknowledged.push(...events.map((event) => event.id));
              outcomes.push({ startedMs, ok, status });
            }
          };
          const streams = Promise.all(Array.from({ length: 6 }, (_, stream) => loop(stream)));
          // Kill once the load runs, keep it going 3 s past the kill.
          while (acknowledged.length < 300 && performance.now() - started < 20_000)
            await new Promise((resolve) => setTimeout(resolve, 20));
          servers[victim]!.child.kill('SIGKILL');
          killedAt = performance.now();
          await servers[victim]!.exited;
          stopAt = killedAt + 3000;
          await streams;

          const stored = await client.query<{ id: string }>(
            'select id from events where id = any($1::text[])',
            [acknowledged],
          );
          const storedIds = new Set(stored.rows.map((row) => row.id));
          const missing = acknowledged.filter((id) => !storedIds.has(id));
          expect(missing, `run ${run}: acknowledged events missing after the kill`).toEqual([]);
          const afterKill = outcomes.filter((outcome) => outcome.startedMs > killedAt);
          expect(afterKill.length).toBeGreaterThan(10);
          // The balancer re-sends what the dead server never answered: every request after the kill succeeds.
          expect(
            afterKill.filter((outcome) => !outcome.ok).map((outcome) => outcome.status),
            `run ${run}: requests after the kill`,
          ).toEqual([]);

          // Restarted, it serves directly and through the balancer again.
          await restart(victim);
          const feed = await call(direct(victim), '/v1/users/rejoined-user/feed?n=3');
          expect(feed.status, feed.body).toBe(200);
          await balancedOver([`api${victim + 1}`]);
        }
      } finally {
        await client.end();
      }
    }, 180_000);
  },
);
