import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelDirectory } from '../../generative/index.js';
import type { CliIo } from '../cli-io.js';
import { main } from '../main.js';
import { packageRoot } from '../package-paths.js';

function captureIo(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (text) => void stdout.push(text),
    logger: {
      info: (message) => void stderr.push(message),
      warn: (message) => void stderr.push(`warning: ${message}`),
      error: (message) => void stderr.push(`error: ${message}`),
      debug: () => {},
    },
    interactive: false,
  };
}

const run = async (...args: string[]) => {
  const io = captureIo();
  const code = await main(['node', 'genfeed', ...args], io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
};

describe('genfeed align', () => {
  it('aligns a trained generative model directory and writes a loadable one', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'genfeed-align-cli-'));
    const data = join(packageRoot, 'fixtures/demo/demo-shop.txt');
    const config = join(folder, 'tiny.json');
    const params = {
      dim: 16,
      heads: 2,
      layers: 1,
      epochs: 1,
      decayEpochs: 0,
      codebookSize: 16,
      vectorDim: 8,
    };
    writeFileSync(config, JSON.stringify({ model: 'generative', params }));
    const trained = await run(
      'train',
      'generative',
      '--data',
      data,
      '--config',
      config,
      '--out',
      join(folder, 'base'),
    );
    expect(trained.code, trained.err).toBe(0);
    const aligned = await run(
      'align',
      '--model-dir',
      join(folder, 'base'),
      '--data',
      data,
      '--out',
      join(folder, 'aligned'),
      '--users',
      '12',
      '--candidates',
      '4',
      '--session-length',
      '2',
      '--epochs',
      '1',
    );
    expect(aligned.code, aligned.err).toBe(0);
    expect(aligned.out).toMatch(/wrote .*aligned: \d+ pairs/);
    const model = await loadModelDirectory(join(folder, 'aligned'));
    expect(model.manifest.params.alignCandidates).toBe(4);
    expect(model.manifest.fitOn).toMatch(/aligned \(itemknn\)/);
    const { items } = model.recommend(['168', '227'], 5);
    expect(items).toHaveLength(5);
    expect(new Set(items.map((item) => item.itemId)).size).toBe(5);
  }, 60_000);

  it('aligns by ECPO with --method ecpo', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'genfeed-align-ecpo-cli-'));
    const data = join(packageRoot, 'fixtures/demo/demo-shop.txt');
    const config = join(folder, 'tiny.json');
    const params = {
      dim: 16,
      heads: 2,
      layers: 1,
      epochs: 1,
      decayEpochs: 0,
      codebookSize: 16,
      vectorDim: 8,
    };
    writeFileSync(config, JSON.stringify({ model: 'generative', params }));
    const base = join(folder, 'base');
    const trained = await run('train', 'generative', '--data', data, '--config', config, '--out', base);
    expect(trained.code, trained.err).toBe(0);
    const out = join(folder, 'aligned');
    const aligned = await run(
      'align',
      '--method',
      'ecpo',
      '--model-dir',
      base,
      '--data',
      data,
      '--out',
      out,
      '--users',
      '8',
      '--candidates',
      '4',
      '--unconstrained',
      '2',
      '--session-length',
      '2',
      '--epochs',
      '1',
    );
    expect(aligned.code, aligned.err).toBe(0);
    expect(aligned.out).toMatch(/wrote .*aligned: \d+ groups .*malformed/);
    const model = await loadModelDirectory(out);
    expect(model.manifest.params.alignUnconstrained).toBe(2);
    expect(model.manifest.fitOn).toMatch(/aligned \(ecpo, itemknn\)/);
    const { items } = model.recommend(['168', '227'], 5);
    expect(new Set(items.map((item) => item.itemId)).size).toBe(5);
  }, 60_000);

  it('refuses a model directory that is not generative', async () => {
    const result = await run('align', '--model-dir', '/nonexistent', '--data', 'x', '--out', 'y');
    expect(result.code).not.toBe(0);
    expect(result.err).toMatch(/Cannot load model directory \/nonexistent/);
  });
});
