import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { NotFoundError } from '../core/index.js';
import { importData } from './import/import-data.js';
import { openPostgresStore, redactPassword } from './postgres-store.js';
import type { ModelActivation } from './records.js';
import type { Store } from './store.js';
import { StoreUnavailableError } from './store-unavailable-error.js';
import { describeStoreContract } from './test-support/store-contract.js';

/**
 * The contract against a real PostgreSQL: `.ci/run` starts one and sets
 * GENFEED_TEST_POSTGRES_URL. Each store gets a schema of its own, dropped
 * afterwards, so tests never see each other's rows.
 */
const url = process.env.GENFEED_TEST_POSTGRES_URL;
const reachable = url === undefined ? false : await canConnect(url);
const skipReason =
  url === undefined
    ? 'GENFEED_TEST_POSTGRES_URL is not set (.ci/run starts a server and sets it)'
    : `no PostgreSQL answers at ${redactPassword(url)}`;

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

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}

// CI starts a server and sets this: there, a server that cannot be reached is a failure, not a skip.
if (process.env.GENFEED_REQUIRE_POSTGRES === '1' && !reachable) {
  throw new Error(`GENFEED_REQUIRE_POSTGRES=1 but ${skipReason}`);
}

if (reachable && url !== undefined) {
  const run = randomBytes(4).toString('hex');
  let schemas = 0;
  describeStoreContract('PostgreSQL', async ({ now }) => {
    const schema = `genfeed_test_${run}_${schemas++}`;
    const open = () =>
      openPostgresStore({ connectionString: url, schema, maxConnections: 2, ...(now && { now }) });
    const stores: Store[] = [await open()];
    return {
      store: stores[0]!,
      async reopen() {
        stores.push(await open());
        return stores.at(-1)!;
      },
      tables: { postgres: url, schema },
      async dispose() {
        for (const store of stores) await store.close();
        await dropSchema(schema);
      },
    };
  });

  describe('openPostgresStore', () => {
    const schema = `genfeed_test_${run}_open`;
    afterAll(() => dropSchema(schema));

    it('migrates once when several servers open one database at the same time', async () => {
      const stores = await Promise.all(
        Array.from({ length: 3 }, () =>
          openPostgresStore({ connectionString: url, schema, maxConnections: 1 }),
        ),
      );
      await stores[0]!.upsertItems([{ id: 'v1' }]);
      expect((await stores[2]!.counts()).items).toBe(1);
      expect(stores[0]!.backend).toBe('postgres');
      await Promise.all(stores.map((store) => store.close()));
    });

    it('takes an import in a second schema of the database (its own migration tables), idempotent on re-run', async () => {
      const store = await openPostgresStore({ connectionString: url, schema: `${schema}_import` });
      try {
        const data = fileURLToPath(new URL('../../fixtures/data/kuairand', import.meta.url));
        await importData(store, data);
        const first = await store.counts();
        await importData(store, data, { batchSize: 2 });
        expect(await store.counts()).toEqual(first);
        expect(first).toMatchObject({ items: 4, users: 3, events: 5 });
      } finally {
        await store.close();
        await dropSchema(`${schema}_import`);
      }
    });

    it("tells every server of the schema of an activation through NOTIFY, and no other schema's", async () => {
      const listening = `${schema}_notify`;
      const [a, b] = await Promise.all(
        [0, 1].map(() => openPostgresStore({ connectionString: url, schema: listening, maxConnections: 1 })),
      );
      const other = await openPostgresStore({
        connectionString: url,
        schema: `${listening}_other`,
        maxConnections: 1,
      });
      try {
        const heard: Array<ModelActivation | undefined> = [];
        const heardElsewhere: Array<ModelActivation | undefined> = [];
        await b!.listenModelActivations((activation) => heard.push(activation));
        await other.listenModelActivations((activation) => heardElsewhere.push(activation));
        await a!.addModelVersion({ name: 'generative', path: 'p', checksum: 'c' });
        const started = performance.now();
        await a!.activateModelVersion('generative', 1);
        await vi.waitFor(() => expect(heard).toEqual([{ name: 'generative', version: 1 }]), {
          timeout: 5000,
        });
        expect(performance.now() - started).toBeLessThan(5000);
        // A rolled-back activation announces nothing.
        await expect(a!.activateModelVersion('generative', 2)).rejects.toThrow(NotFoundError);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(heard).toHaveLength(1);
        expect(heardElsewhere).toEqual([]);
      } finally {
        await Promise.all([a!.close(), b!.close(), other.close()]);
        await dropSchema(listening);
        await dropSchema(`${listening}_other`);
      }
    });

    it('listens again after its connection is cut, telling listeners to check what they missed', async () => {
      const listening = `${schema}_reconnect`;
      const a = await openPostgresStore({ connectionString: url, schema: listening, maxConnections: 1 });
      const b = await openPostgresStore({ connectionString: url, schema: listening, maxConnections: 1 });
      try {
        const heard: Array<ModelActivation | undefined> = [];
        await b.listenModelActivations((activation) => heard.push(activation));
        await a.addModelVersion({ name: 'generative', path: 'p', checksum: 'c' });
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          const cut = await client.query(
            'select pg_terminate_backend(pid) as cut from pg_stat_activity where application_name = $1',
            [`genfeed models ${listening}`],
          );
          expect(cut.rows).toEqual([{ cut: true }]);
        } finally {
          await client.end();
        }
        await vi.waitFor(() => expect(heard).toEqual([undefined]), { timeout: 10_000 });
        await a.activateModelVersion('generative', 1);
        await vi.waitFor(() => expect(heard).toEqual([undefined, { name: 'generative', version: 1 }]), {
          timeout: 5000,
        });
      } finally {
        await Promise.all([a.close(), b.close()]);
        await dropSchema(listening);
      }
    }, 20_000);

    it('rejects a schema name it would have to quote', async () => {
      await expect(openPostgresStore({ connectionString: url, schema: 'Bad; drop' })).rejects.toThrow(
        /schema must be a lower-case SQL name/,
      );
    });
  });
} else {
  describe.skip(`Store contract: PostgreSQL (skipped: ${skipReason})`, () => {
    it('runs where a server is configured', () => {});
  });
}

describe('openPostgresStore without a server', () => {
  it('says which server it cannot reach, without the password', async () => {
    const error = openPostgresStore({ connectionString: 'postgresql://genfeed:secret@127.0.0.1:1/genfeed' });
    await expect(error).rejects.toThrow(StoreUnavailableError);
    await expect(error).rejects.toThrow(
      /^Cannot connect to PostgreSQL at postgresql:\/\/genfeed:\*\*\*@127\.0\.0\.1:1\/genfeed: .*ECONNREFUSED/,
    );
  });
});

describe('redactPassword', () => {
  it('hides the password of a connection string', () => {
    expect(redactPassword('postgresql://genfeed:secret@db:5432/genfeed')).toBe(
      'postgresql://genfeed:***@db:5432/genfeed',
    );
    expect(redactPassword('nonsense')).toBe('(unparsable PostgreSQL URL)');
  });
});
