import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { GENERATIVE_REWARD_FILE, saveGenerativeReward } from '../serve/index.js';
import { openPostgresStore, openSqliteStore, type Store } from '../storage/index.js';
import { importPlaygroundData, simulatePlaygroundData } from './playground-data.js';
import { fitReward } from './train-models.js';
import { gateDecision, type Publisher, registryTarget, retrainOnce } from './train-watch.js';
import { readTrainingLog } from './training-log.js';

describe('the training gate', () => {
  it('publishes the first model once enough users were held out', () => {
    expect(gateDecision({ candidate: 0.05, active: undefined, tolerance: 0.01, users: 100 }).publish).toBe(
      true,
    );
    const few = gateDecision({ candidate: 0.05, active: undefined, tolerance: 0.01, users: 5 });
    expect(few.publish).toBe(false);
    expect(few.reason).toContain('5 held-out users');
  });

  it('publishes within the tolerance below the active version and refuses beyond it', () => {
    expect(gateDecision({ candidate: 0.095, active: 0.1, tolerance: 0.01, users: 100 }).publish).toBe(true);
    expect(gateDecision({ candidate: 0.2, active: 0.1, tolerance: 0, users: 100 }).publish).toBe(true);
    const worse = gateDecision({ candidate: 0.089, active: 0.1, tolerance: 0.01, users: 100 });
    expect(worse.publish).toBe(false);
    expect(worse.reason).toContain('< active 0.1000');
    expect(gateDecision({ candidate: Number.NaN, active: 0.1, tolerance: 0.01, users: 100 }).publish).toBe(
      false,
    );
    expect(() => gateDecision({ candidate: 0.1, active: 0.1, tolerance: -1, users: 100 })).toThrow(
      /tolerance/,
    );
  });
});

describe('retrainOnce', () => {
  it('retrains from the event log, publishes the first model and gates the next against the active one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'genfeed-watch-'));
    const store = await openSqliteStore({ path: join(dir, 'store.sqlite') });
    try {
      const data = await simulatePlaygroundData({ users: 150, items: 200, days: 1, seed: 3 });
      await importPlaygroundData(store, data);
      const published: string[] = [];
      const publish: Publisher = async (name, path, metrics) => {
        published.push(path);
        const version = await store.addModelVersion({ name, path, checksum: 'test', metrics });
        return store.activateModelVersion(name, version.version);
      };
      const params = { epochs: 1, dim: 16, heads: 1, codebookSize: 8, batchSize: 32 };
      const first = await retrainOnce(store, publish, { params, minUsers: 10, seed: 1 });
      expect(first.active).toBeUndefined();
      expect(first.decision.publish).toBe(true);
      expect(first.published).toBe(1);
      expect(first.heldOutUsers).toBeGreaterThanOrEqual(10);
      expect(first.candidate).toBeGreaterThanOrEqual(0);
      expect(first.candidate).toBeLessThanOrEqual(1);
      expect((await store.activeModelVersion('generative'))?.metrics.recallAt10).toBeCloseTo(first.candidate);

      // An active version that cannot be loaded is judged by its stored figure: a perfect one blocks the next.
      const perfect = await store.addModelVersion({
        name: 'generative',
        path: join(dir, 'missing'),
        checksum: 'x',
        metrics: { recallAt10: 1 },
      });
      await store.activateModelVersion('generative', perfect.version);
      const second = await retrainOnce(store, publish, { params, minUsers: 10, seed: 1, tolerance: 0.01 });
      expect(second.active).toBe(1);
      expect(second.decision.publish).toBe(false);
      expect(second.published).toBeUndefined();
      expect(published).toHaveLength(1);
      expect((await store.activeModelVersion('generative'))?.version).toBe(perfect.version);
    } finally {
      await store.close();
    }
  }, 60_000);

  it("carries the active version's reward model into the new version (the demo's rerank stage)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'genfeed-watch-reward-'));
    const store = await openSqliteStore({ path: join(dir, 'store.sqlite') });
    try {
      const data = await simulatePlaygroundData({ users: 120, items: 150, days: 1, seed: 4 });
      await importPlaygroundData(store, data);
      const activeDir = join(dir, 'active');
      mkdirSync(activeDir);
      await saveGenerativeReward(activeDir, fitReward(await readTrainingLog(store), { seed: 1, epochs: 1 }));
      const active = await store.addModelVersion({
        name: 'generative',
        path: activeDir,
        checksum: 'x',
        metrics: { recallAt10: 0 },
      });
      await store.activateModelVersion('generative', active.version);
      const carried: boolean[] = [];
      const publish: Publisher = async (name, path, metrics) => {
        carried.push(existsSync(join(path, GENERATIVE_REWARD_FILE)));
        const version = await store.addModelVersion({ name, path, checksum: 'test', metrics });
        return store.activateModelVersion(name, version.version);
      };
      const params = { epochs: 1, dim: 16, heads: 1, codebookSize: 8, batchSize: 32 };
      const report = await retrainOnce(store, publish, { params, minUsers: 10, seed: 1, tolerance: 1 });
      expect(report.published).toBe(2);
      expect(carried).toEqual([true]);
    } finally {
      await store.close();
    }
  }, 60_000);
});

/**
 * `genfeed train --watch` on the store's registry: it publishes a version's
 * files into the store, and a round on another machine (a cache folder of its
 * own) judges and extends the active version from the store's copy.
 */
const postgresUrl = process.env.GENFEED_TEST_POSTGRES_URL;
const backends: Array<[string, (dir: string) => Promise<{ store: Store; dispose: () => Promise<void> }>]> = [
  [
    'SQLite',
    async (dir) => {
      const store = await openSqliteStore({ path: join(dir, 'store.sqlite') });
      return { store, dispose: () => store.close() };
    },
  ],
];
if (postgresUrl !== undefined)
  backends.push([
    'PostgreSQL',
    async () => {
      const schema = `genfeed_test_watch_${randomBytes(4).toString('hex')}`;
      const store = await openPostgresStore({ connectionString: postgresUrl, schema, maxConnections: 2 });
      return {
        store,
        dispose: async () => {
          await store.close();
          const client = new pg.Client({ connectionString: postgresUrl });
          await client.connect();
          await client.query(`drop schema if exists ${schema} cascade`);
          await client.end();
        },
      };
    },
  ]);

describe.each(backends)('retrainOnce into the registry of a %s store', (_backend, open) => {
  it("publishes the version's files into the store; another machine's round reads the active one back from it", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'genfeed-watch-registry-'));
    const { store, dispose } = await open(dir);
    try {
      const data = await simulatePlaygroundData({ users: 120, items: 150, days: 1, seed: 5 });
      await importPlaygroundData(store, data);
      const params = { epochs: 1, dim: 16, heads: 1, codebookSize: 8, batchSize: 32 };
      const here = registryTarget(store, join(dir, 'cache-here'));
      const first = await retrainOnce(store, here.publish, {
        params,
        minUsers: 10,
        seed: 1,
        modelDirectory: here.modelDirectory,
      });
      expect(first.published).toBe(1);
      const stored = (await store.activeModelVersion('generative'))!;
      expect(stored.storedFiles).toBeGreaterThan(0);
      expect(stored.storedBytes).toBe(
        (await store.listModelFiles('generative', 1)).reduce((sum, file) => sum + file.bytes, 0),
      );

      // The trainer on another machine: nothing in its cache, the store has it all.
      const there = registryTarget(store, join(dir, 'cache-there'));
      const second = await retrainOnce(store, there.publish, {
        params,
        minUsers: 10,
        seed: 1,
        tolerance: 1,
        modelDirectory: there.modelDirectory,
      });
      expect(second.activeVersion).toBe(1);
      // Judged by loading the stored version (its Recall@10 on today's tail), not by its stored figure.
      expect(second.active).toBeCloseTo(first.candidate);
      expect(second.published).toBe(2);
      expect(existsSync(join(dir, 'cache-there', 'generative', 'v1', 'manifest.json'))).toBe(true);
    } finally {
      await dispose();
    }
  }, 90_000);
});
