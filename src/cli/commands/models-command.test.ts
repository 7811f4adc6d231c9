import { mkdtempSync } from 'node:fs';
import { appendFile, cp, readFile, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Random, silentLogger, silentProgress } from '../../core/index.js';
import { GenerativeRecommender, saveModelDirectory } from '../../generative/index.js';
import { saveGenerativeReward } from '../../serve/index.js';
import { tinyReward } from '../../serve/test-support/tiny-reward.js';
import { openSqliteStore } from '../../storage/index.js';
import type { CliIo } from '../cli-io.js';
import { main } from '../main.js';

const run = async (...args: string[]) => {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CliIo = {
    out: (text) => void stdout.push(text),
    logger: {
      info: (message) => void stderr.push(message),
      warn: (message) => void stderr.push(`warning: ${message}`),
      error: (message) => void stderr.push(`error: ${message}`),
      debug: () => {},
    },
    interactive: false,
  };
  const code = await main(['node', 'genfeed', ...args], io);
  return { code, out: stdout.join('\n'), err: stderr.join('\n') };
};

const folder = mkdtempSync(join(tmpdir(), 'genfeed-models-cli-'));
const db = join(folder, 'store.sqlite');
const models = join(folder, 'registry');
const itemIds = Array.from({ length: 12 }, (_, item) => `v${item}`);
const trained = join(folder, 'trained');
const brokenReward = join(folder, 'broken-reward');

beforeAll(async () => {
  const sequences = Array.from({ length: 24 }, (_, user) =>
    Int32Array.from({ length: 5 }, (_, i) => (user + i) % itemIds.length),
  );
  const model = new GenerativeRecommender({
    dim: 8,
    layers: 1,
    heads: 1,
    epochs: 1,
    batchSize: 8,
    maxItems: 4,
    levels: 1,
    codebookSize: 3,
    vectorDim: 4,
  });
  await model.fit(
    { numUsers: sequences.length, numItems: itemIds.length, sequences },
    { random: new Random(1), logger: silentLogger, progress: silentProgress },
  );
  await saveModelDirectory(trained, model, {
    model: 'generative',
    params: model.params,
    dataset: { name: 'cli', fingerprint: 'b'.repeat(64), users: 24, interactions: 120 },
    fitOn: 'all',
    itemIds,
    seed: 1,
    trainSeconds: 0,
    genfeedVersion: '0.0.0-test',
  });
  // The same model with a reward model cut short (as by a full disk or an interrupted copy).
  await cp(trained, brokenReward, { recursive: true });
  await saveGenerativeReward(brokenReward, tinyReward(itemIds.length));
  const rewardFile = join(brokenReward, 'reward.safetensors');
  await truncate(rewardFile, (await readFile(rewardFile)).length - 100);
  const store = await openSqliteStore({ path: db });
  await store.upsertItems(itemIds.map((id) => ({ id, tags: ['t'] })));
  await store.close();
}, 60_000);

describe('genfeed models', () => {
  it('publishes, lists and activates versions; a corrupt directory is refused with its reason', async () => {
    const flags = ['--db', db, '--models', models];
    const first = await run(
      'models',
      'publish',
      'generative',
      trained,
      '--metrics',
      'recall10=0.25',
      ...flags,
    );
    expect(first.err).toBe('registry: generative@1 serving');
    expect(first.out).toMatch(
      /^generative@1 active at .*registry\/generative\/v1 \(checksum [0-9a-f]{12}\)$/,
    );
    const second = await run('models', 'publish', 'generative', trained, '--no-activate', ...flags);
    expect(second.out).toMatch(/^generative@2 recorded at /);
    const listed = (await run('models', 'list', ...flags)).out.split('\n');
    expect(listed).toHaveLength(2);
    expect(listed[0]).toMatch(/^generative@2\t\t/);
    expect(listed[1]).toMatch(/^generative@1\tactive\t.*\trecall10=0\.25\t/);
    expect((await run('models', 'activate', 'generative', '2', ...flags)).out).toBe('generative@2 active');

    await appendFile(join(trained, 'items.json'), ' ');
    const corrupt = await run('models', 'publish', 'generative', trained, ...flags);
    expect(corrupt.code).not.toBe(0);
    expect(corrupt.err).toMatch(/Rejected generative model \(version 3\): .*items\.json has sha256/);
    expect((await run('models', 'list', 'generative', ...flags)).out.split('\n')[0]).toMatch(
      /^generative@2\tactive/,
    );
    expect((await run('models', 'list', 'nothing', ...flags)).err).toContain(
      'No versions of model "nothing"',
    );
    expect((await run('models', 'activate', 'generative', '0', ...flags)).err).toContain(
      'expected a version number >= 1, got "0"',
    );

    // Roll back and delete through the same ModelService as the admin API.
    expect((await run('models', 'rollback', 'generative', ...flags)).out).toBe('generative@1 active');
    const active = await run('models', 'delete', 'generative', '1', ...flags);
    expect(active.code).not.toBe(0);
    expect(active.err).toContain('Model generative version 1 is active');
    expect((await run('models', 'delete', 'generative', '2', ...flags)).out).toBe('generative@2 deleted');
    expect((await run('models', 'rollback', 'generative', ...flags)).err).toContain(
      'generative@1 is active and no earlier version is recorded',
    );
    expect((await run('models', 'activate', 'generative', '2', ...flags)).err).toContain(
      'Model generative has no version 2',
    );
    expect((await run('models', 'list', 'generative', ...flags)).out.split('\n')).toHaveLength(1);
  });

  it('refuses a generative directory whose reward model is truncated, naming the file; the active version stays', async () => {
    const flags = ['--db', db, '--models', models];
    const before = (await run('models', 'list', 'generative', ...flags)).out;
    const broken = await run('models', 'publish', 'generative', brokenReward, ...flags);
    expect(broken.code).not.toBe(0);
    expect(broken.err).toMatch(
      /Rejected generative model \(version \d+\): .*broken-reward\/reward\.safetensors/,
    );
    expect((await run('models', 'list', 'generative', ...flags)).out).toBe(before);
  });
});
