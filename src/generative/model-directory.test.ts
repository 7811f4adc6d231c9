import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, Random, silentLogger, silentProgress } from '../core/index.js';
import type { Recommender } from '../eval/index.js';
import { saveCheckpoint } from '../tensor/index.js';
import type { TrainingResult } from '../training/index.js';
import { GenerativeRecommender } from './generative-spec.js';
import { loadModelDirectory, type ModelDirectoryInfo, saveModelDirectory } from './model-directory.js';
import { SasRecRecommender } from './sasrec-spec.js';
import { SavedModel } from './saved-model.js';

const numItems = 24;
const sequences = Array.from({ length: 48 }, (_, user) =>
  Int32Array.from({ length: 6 }, (_, i) => (user * 5 + i * (1 + (user % 3))) % numItems),
);
const itemIds = Array.from({ length: numItems }, (_, item) => `video-${100 + item}`);
const tiny = { dim: 16, layers: 1, heads: 1, epochs: 2, batchSize: 16, maxItems: 8, maxLength: 8 };
const info = (model: string, params: ModelDirectoryInfo['params']): ModelDirectoryInfo => ({
  model,
  params,
  dataset: { name: 'toy', fingerprint: 'f'.repeat(64), users: sequences.length, interactions: 288 },
  fitOn: 'all',
  itemIds,
  seed: 1,
  trainSeconds: 0.5,
  genfeedVersion: '0.0.0-test',
});

async function fitted(model: Recommender): Promise<Recommender> {
  await model.fit(
    { numUsers: sequences.length, numItems, sequences },
    { random: new Random(1), logger: silentLogger, progress: silentProgress },
  );
  return model;
}

describe('model directories', () => {
  const root = mkdtempSync(join(tmpdir(), 'genfeed-model-dir-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const models: Record<string, { recommender: Recommender; params: ModelDirectoryInfo['params'] }> = {};

  beforeAll(async () => {
    const generative = new GenerativeRecommender({ ...tiny, levels: 2, codebookSize: 4, vectorDim: 8 });
    const sasrec = new SasRecRecommender(tiny);
    models.generative = { recommender: await fitted(generative), params: generative.params };
    models.sasrec = { recommender: await fitted(sasrec), params: sasrec.params };
    for (const [name, { recommender, params }] of Object.entries(models))
      await saveModelDirectory(join(root, name), recommender, info(name, params));
  });

  it.each(['sasrec', 'generative'])(
    '%s: a reloaded directory recommends exactly like the trained model',
    async (name) => {
      const loaded = await loadModelDirectory(join(root, name));
      expect(loaded.manifest).toMatchObject({ model: name, fitOn: 'all', items: { count: numItems } });
      expect(Object.keys(loaded.manifest.files)).toContain('items.json');
      const trained = new SavedModel(loaded.manifest, models[name]!.recommender, itemIds);
      for (const sequence of sequences.slice(0, 12)) {
        const history = Array.from(sequence.subarray(0, -1), (item) => itemIds[item]!);
        const expected = trained.recommend(history, 5);
        const got = loaded.recommend(history, 5);
        expect(got).toEqual(expected);
        expect(got.items).toHaveLength(5);
        for (const { itemId } of got.items) expect(history).not.toContain(itemId);
      }
      expect(loaded.recommend(['video-100', 'nope'], 3).unknownIds).toEqual(['nope']);
      // The training curve travels with the model: one entry per epoch the trainer ran.
      const history = (models[name]!.recommender as { training?: TrainingResult }).training!.history;
      expect(history.length).toBeGreaterThan(0);
      expect(loaded.manifest.trainingCurve?.map((point) => [point.epoch, point.loss])).toEqual(
        history.map((record) => [record.epoch, record.loss]),
      );
    },
  );

  it('keeps a generative model with its ID model: the file is checksummed and the reload recommends alike', async () => {
    const combined = new GenerativeRecommender({
      ...tiny,
      levels: 2,
      codebookSize: 4,
      vectorDim: 8,
      idModel: 'sasrec',
      'sasrec.dim': 8,
      'sasrec.heads': 1,
      'sasrec.layers': 1,
      'sasrec.epochs': 2,
      'sasrec.maxLength': 8,
      headMix: 0.5,
    });
    await fitted(combined);
    const dir = join(root, 'generative-id');
    await saveModelDirectory(dir, combined, info('generative', combined.params));
    const loaded = await loadModelDirectory(dir);
    expect(Object.keys(loaded.manifest.files)).toContain('id-model.safetensors');
    const trained = new SavedModel(loaded.manifest, combined, itemIds);
    for (const sequence of sequences.slice(0, 6)) {
      const history = Array.from(sequence.subarray(0, -1), (item) => itemIds[item]!);
      expect(loaded.recommend(history, 5)).toEqual(trained.recommend(history, 5));
    }
    const weights = readFileSync(join(dir, 'id-model.safetensors'));
    weights[weights.length - 1]! ^= 0xff;
    writeFileSync(join(dir, 'id-model.safetensors'), weights);
    await expect(loadModelDirectory(dir)).rejects.toThrow(
      `Cannot load model directory ${dir}: id-model.safetensors has sha256`,
    );
  });

  it('keeps a generative model with a learned ID model: the reload recommends alike', async () => {
    const combined = new GenerativeRecommender({
      ...tiny,
      levels: 2,
      codebookSize: 4,
      vectorDim: 8,
      idModel: 'learned',
      'learned.features': 'popularity,transition,neighbours',
      headMix: 0.8,
    });
    await fitted(combined);
    const dir = join(root, 'generative-learned');
    await saveModelDirectory(dir, combined, info('generative', combined.params));
    const loaded = await loadModelDirectory(dir);
    expect(Object.keys(loaded.manifest.files)).toContain('id-model.safetensors');
    const trained = new SavedModel(loaded.manifest, combined, itemIds);
    for (const sequence of sequences.slice(0, 6)) {
      const history = Array.from(sequence.subarray(0, -1), (item) => itemIds[item]!);
      expect(loaded.recommend(history, 5)).toEqual(trained.recommend(history, 5));
    }
  });

  it('reads a genfeed 0.1 directory, whose categorical params were indices, with their names', async () => {
    const dir = join(root, 'legacy');
    const generative = models.generative!.recommender as GenerativeRecommender;
    await saveModelDirectory(dir, generative, info('generative', models.generative!.params));
    const legacy = { ...generative.params, architecture: 0, vectorKind: 0 };
    const modelFile = join(dir, 'model.safetensors');
    await saveCheckpoint(modelFile, generative.model.namedParameters(), {
      config: { model: 'generative', ...generative.model.config, params: legacy },
    });
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    manifest.params = legacy;
    manifest.files['model.safetensors'] = createHash('sha256').update(readFileSync(modelFile)).digest('hex');
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));

    const loaded = await loadModelDirectory(dir);
    expect(loaded.manifest.params).toMatchObject({
      architecture: 'lazy-decoder',
      vectorKind: 'collaborative',
    });
    expect((loaded.recommender as GenerativeRecommender).params).toEqual(generative.params);
    const history = Array.from(sequences[0]!.subarray(0, -1), (item) => itemIds[item]!);
    expect(loaded.recommend(history, 5)).toEqual(
      new SavedModel(loaded.manifest, generative, itemIds).recommend(history, 5),
    );
  });

  it('rejects a corrupt, incomplete or newer directory, naming the file', async () => {
    const copy = async (name: string): Promise<string> => {
      const dir = join(root, `broken-${name}`);
      await saveModelDirectory(dir, models.sasrec!.recommender, info('sasrec', models.sasrec!.params));
      return dir;
    };
    const rejects = (dir: string, message: string) =>
      expect(loadModelDirectory(dir)).rejects.toThrow(`Cannot load model directory ${dir}: ${message}`);

    const flipped = await copy('weights');
    const weights = readFileSync(join(flipped, 'model.safetensors'));
    weights[weights.length - 1]! ^= 0xff;
    writeFileSync(join(flipped, 'model.safetensors'), weights);
    await rejects(flipped, 'model.safetensors has sha256');

    const missing = await copy('missing');
    unlinkSync(join(missing, 'items.json'));
    await rejects(missing, 'items.json is missing');

    const garbled = await copy('manifest');
    writeFileSync(join(garbled, 'manifest.json'), '{"format": ');
    await rejects(garbled, 'manifest.json is not valid JSON');

    const edit = async (name: string, change: (manifest: Record<string, unknown>) => void) => {
      const dir = await copy(name);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      change(manifest);
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
      return dir;
    };
    await rejects(
      await edit('version', (manifest) => {
        manifest.formatVersion = 7;
      }),
      'manifest.json has format version 7; this genfeed reads up to 1 (upgrade genfeed)',
    );
    await rejects(
      await edit('field', (manifest) => {
        delete manifest.params;
      }),
      'manifest.json field "params"',
    );
    await rejects(
      await edit('model', (manifest) => {
        manifest.model = 'itemknn';
      }),
      'manifest.json names model "itemknn", which has no saved form (known: sasrec, generative)',
    );
    await expect(loadModelDirectory(join(root, 'nowhere'))).rejects.toBeInstanceOf(InvalidInputError);
    await rejects(join(root, 'nowhere'), 'manifest.json is missing');
  });
});
