import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../../core/index.js';
import {
  MODEL_CHUNK_BYTES,
  openPostgresStore,
  openSqliteStore,
  redactPassword,
  type Store,
} from '../../storage/index.js';
import { damageModelChunk, type StoreTables } from '../../storage/test-support/model-chunk-damage.js';
import { readCatalogue } from '../pipelines/coldstart-pipeline.js';
import { catalogueInputs, writeGenerativeModel } from '../pipelines/test-support/tiny-world.js';
import { directoryChecksum } from './directory-checksum.js';
import { ModelRegistry } from './model-registry.js';

/**
 * Two servers on one database, each with a cache folder of its own and no
 * folder in common: what `genfeed serve --db postgres://...` on two machines
 * is. On PostgreSQL the second server polls only once a minute, so swapping
 * within seconds is LISTEN/NOTIFY's doing; on SQLite (no way to signal
 * another connection) it polls every 200 ms.
 */
interface Servers {
  stores: [Store, Store];
  tables: StoreTables;
  /** How often the following server polls. */
  pollMs: number;
  dispose(): Promise<void>;
}

let folder = '';
let first = '';
let second = '';
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'genfeed-registry-servers-'));
  first = await writeGenerativeModel(join(folder, 'trained-1'), { seed: 3 });
  second = await writeGenerativeModel(join(folder, 'trained-2'), { seed: 4 });
}, 90_000);
afterAll(() => rm(folder, { recursive: true, force: true }));

function describeServers(backend: string, open: () => Promise<Servers>): void {
  describe(`ModelRegistry across two servers: ${backend}`, () => {
    let servers: Servers;
    let publisher: ModelRegistry;
    let follower: ModelRegistry;
    let followerCache = '';
    const errors: string[] = [];
    const logger: Logger = {
      info() {},
      warn() {},
      debug() {},
      error: (message) => void errors.push(message),
    };

    beforeAll(async () => {
      servers = await open();
      await servers.stores[0].upsertItems(catalogueInputs());
      const server = (store: Store, root: string) =>
        new ModelRegistry({ store, root, catalogue: () => readCatalogue(store), logger });
      publisher = server(servers.stores[0], join(folder, backend, 'cache-a'));
      followerCache = join(folder, backend, 'cache-b');
      follower = server(servers.stores[1], followerCache);
      await follower.watch(servers.pollMs);
    }, 30_000);
    afterAll(async () => {
      await follower.close();
      await servers.dispose();
    });

    it('publishes on one server; the other fetches the version from the store and swaps within seconds', async () => {
      for (const [dir, version] of [
        [first, 1],
        [second, 2],
      ] as const) {
        const started = performance.now();
        const published = await publisher.publish('generative', dir, { metrics: { recall10: version / 10 } });
        expect(published).toMatchObject({ version, active: true, storedFiles: 4 });
        await vi.waitFor(
          () => expect(follower.current('generative')?.modelVersion).toBe(`generative@${version}`),
          { timeout: 5000, interval: 20 },
        );
        expect(performance.now() - started).toBeLessThan(5000);
        // The follower's copy came from the store, byte for byte.
        expect(await directoryChecksum(join(followerCache, 'generative', `v${version}`))).toBe(
          await directoryChecksum(dir),
        );
      }
      const feed = follower.current('generative')!.recommend({
        userId: 'x',
        n: 3,
        history: ['video-0', 'video-1'],
        exclude: new Set(),
        now: 0,
      });
      expect(feed.items).toHaveLength(3);
      expect(errors).toEqual([]);
    });

    it('refuses a version damaged in the store, naming the model, version and file, while the previous one serves', async () => {
      const damaged = async (how: 'flip' | 'drop', message: RegExp) => {
        const version = await publisher.publish('generative', first, { activate: false });
        await damageModelChunk(
          servers.tables,
          { name: 'generative', version: version.version, path: 'model.safetensors', chunk: 0 },
          how,
        );
        errors.length = 0;
        // The publisher still holds a good copy in its cache, so it activates; the follower must fetch.
        await publisher.activate('generative', version.version);
        await vi.waitFor(() => expect(errors).toHaveLength(1), { timeout: 5000, interval: 20 });
        expect(errors[0]).toMatch(message);
        expect(errors[0]).toContain(
          `cannot load generative@${version.version}; still serving generative@2: `,
        );
        expect(follower.current('generative')?.modelVersion).toBe('generative@2');
        // Nothing of it was installed in the follower's cache, and no fetch was left half-done.
        expect((await readdir(join(followerCache, 'generative'))).sort()).toEqual(['v1', 'v2']);
      };
      await damaged(
        'flip',
        /Model generative@3: model\.safetensors has sha256 [0-9a-f]{64} in the store, [0-9a-f]{64} when it was written \(corrupted in the store\)$/,
      );
      await damaged(
        'drop',
        /Model generative@4: model\.safetensors lacks chunk 0 of its 1 in the store \(corrupted in the store\)$/,
      );
      // Rolling back to the version being served changes nothing and logs nothing.
      await publisher.activate('generative', 2);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(follower.current('generative')?.modelVersion).toBe('generative@2');
      expect(errors).toHaveLength(1);
    });

    it('round-trips a multi-chunk file byte for byte, and fetches a cached version again only when its copy differs', async () => {
      const withLarge = join(folder, backend, 'with-large');
      await cp(first, withLarge, { recursive: true });
      const large = randomBytes(2 * MODEL_CHUNK_BYTES + 4321);
      await writeFile(join(withLarge, 'embeddings.bin'), large);
      const version = await publisher.publish('generative', withLarge, { activate: false });
      expect(version.storedBytes).toBeGreaterThan(large.length);
      const files = await servers.stores[1].listModelFiles('generative', version.version);
      expect(files.find((file) => file.path === 'embeddings.bin')).toMatchObject({
        bytes: large.length,
        chunks: 3,
      });

      const reads = vi.spyOn(servers.stores[1], 'readModelFile');
      const dir = await follower.directoryOf(version);
      expect(dir).toBe(join(followerCache, 'generative', `v${version.version}`));
      expect((await readFile(join(dir, 'embeddings.bin'))).equals(large)).toBe(true);
      expect(reads).toHaveBeenCalledTimes(files.length);
      // Cached with the right checksum: not fetched again.
      await follower.directoryOf(version);
      expect(reads).toHaveBeenCalledTimes(files.length);
      // A cached copy that differs is replaced by the store's.
      await writeFile(join(dir, 'embeddings.bin'), 'truncated');
      await follower.directoryOf(version);
      expect((await readFile(join(dir, 'embeddings.bin'))).equals(large)).toBe(true);
      expect(reads).toHaveBeenCalledTimes(2 * files.length);
      reads.mockRestore();
    }, 30_000);
  });
}

describeServers('SQLite', async () => {
  const path = join(folder, 'servers.sqlite');
  const stores = [await openSqliteStore({ path }), await openSqliteStore({ path })] as [Store, Store];
  return {
    stores,
    tables: { sqlite: path },
    pollMs: 200,
    dispose: async () => {
      for (const store of stores) await store.close();
    },
  };
});

const url = process.env.GENFEED_TEST_POSTGRES_URL;
const reachable = url !== undefined && (await canConnect(url));
if (reachable) {
  describeServers('PostgreSQL', async () => {
    const schema = `genfeed_test_registry_${randomBytes(4).toString('hex')}`;
    const open = () => openPostgresStore({ connectionString: url!, schema, maxConnections: 2 });
    const stores = [await open(), await open()] as [Store, Store];
    return {
      stores,
      tables: { postgres: url!, schema },
      pollMs: 60_000,
      dispose: async () => {
        for (const store of stores) await store.close();
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      },
    };
  });
} else {
  describe.skip(`ModelRegistry across two servers: PostgreSQL (skipped: ${url === undefined ? 'GENFEED_TEST_POSTGRES_URL is not set' : `no PostgreSQL answers at ${redactPassword(url)}`})`, () => {
    it('runs where a server is configured', () => {});
  });
}

async function canConnect(connectionString: string): Promise<boolean> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}
