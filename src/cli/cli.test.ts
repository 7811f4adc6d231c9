import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from './cli-io.js';
import { generateDemoSequences } from './demo-data.js';
import { main } from './main.js';
import { demoDataPath, packageRoot } from './package-paths.js';

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

const fixture = (path: string) => join(packageRoot, 'fixtures/data', path);

describe('genfeed CLI', () => {
  it('evaluates a baseline and writes the JSON report later issues rely on', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'genfeed-cli-')), 'report.json');
    const result = await run(
      'eval',
      '--data',
      demoDataPath,
      '--model',
      'itemknn',
      '--json',
      out,
      '--seed',
      '3',
    );
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/R@5\s+N@5\s+R@10\s+±95%\s+N@10/);
    expect(result.out).toContain('leave-one-out');
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report).toMatchObject({ dataset: 'demo-shop', model: 'itemknn', users: 1500, seed: 3 });
    for (const key of ['recall@5', 'ndcg@5', 'recall@10', 'ndcg@10']) {
      expect(report.metrics[key]).toBeGreaterThan(0);
      expect(report.metrics[key]).toBeLessThanOrEqual(1);
    }
    expect(report.trainSeconds).toBeGreaterThanOrEqual(0);
    expect(report.evalSeconds).toBeGreaterThan(0);
    expect(report.protocol.fitPolicy).toContain('refit');
  });

  it('runs the demo: item-kNN far above pop, Markov + kNN above item-kNN', async () => {
    const result = await run('demo', '--baselines');
    expect(result.code).toBe(0);
    const recall10 = (model: string) => {
      const row = result.out.split('\n').find((line) => line.startsWith(`demo-shop  ${model} `));
      return Number(row?.trim().split(/\s+/)[4]);
    };
    expect(recall10('itemknn')).toBeGreaterThan(3 * recall10('pop'));
    expect(recall10('markov')).toBeGreaterThan(recall10('itemknn'));
  });

  it('takes fixed params from a config file and reports them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'genfeed-cli-'));
    const config = join(dir, 'knn.json');
    writeFileSync(
      config,
      JSON.stringify({ model: 'itemknn', params: { neighbours: 7, shrink: 1, decay: 1 } }),
    );
    const out = join(dir, 'report.json');
    const result = await run('eval', '--data', demoDataPath, '--config', config, '--json', out);
    expect(result.code).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.params).toEqual({ neighbours: 7, shrink: 1, decay: 1 });
    expect(report.search).toHaveLength(1);
  });

  it('names the file and field of a bad config', async () => {
    const config = join(mkdtempSync(join(tmpdir(), 'genfeed-cli-')), 'bad.json');
    writeFileSync(config, JSON.stringify({ params: { neighbours: 'many' } }));
    const result = await run('eval', '--data', demoDataPath, '--model', 'itemknn', '--config', config);
    expect(result.code).toBe(2);
    expect(result.err).toContain('Invalid config bad.json: field "params.neighbours"');
  });

  it('explains an unknown data folder and a bad flag without a stack trace', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'genfeed-cli-'));
    const missing = await run('eval', '--data', empty, '--model', 'pop');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain(`Cannot detect the data format of ${empty}`);
    const badSeed = await run('eval', '--data', empty, '--model', 'pop', '--seed', 'x');
    expect(badSeed.code).toBe(2);
    expect(badSeed.err).toContain(
      `option '--seed <n>' argument 'x' is invalid. expected an integer, got "x"`,
    );
  });

  it('stops at the first bad row, or skips and reports it with --skip-bad-rows', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'genfeed-cli-')), 'shop.txt');
    writeFileSync(file, '1 1 2 3 4\n2 2 3 4 5\n3\n4 1 3 4 5\n');
    const strict = await run('data', file, '--format', 'sequences');
    expect(strict.code).toBe(2);
    expect(strict.err).toContain('Cannot parse line 3 of shop.txt');
    const lenient = await run('data', file, '--format', 'sequences', '--skip-bad-rows');
    expect(lenient.code).toBe(0);
    expect(lenient.out).toMatch(/users\s+3/);
    expect(lenient.err).toContain('skipped 1 bad row(s)');
  });

  it('describes the shipped fixtures of every format', async () => {
    for (const [path, format] of [
      ['sequences/Beauty.txt', 'sequences'],
      ['kuairec', 'kuairec'],
      ['kuairand', 'kuairand'],
      ['movielens', 'movielens'],
    ]) {
      const result = await run('data', fixture(path!));
      expect(result.code).toBe(0);
      expect(result.out).toMatch(new RegExp(`format\\s+${format}`));
    }
  });

  it('tokenizes the demo items with balanced codebooks and reports them', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'genfeed-cli-')), 'tokenizer.json');
    const result = await run(
      'tokenize',
      '--data',
      demoDataPath,
      '--codebook-size',
      '16',
      '--vectors',
      'collaborative',
      '--json',
      out,
    );
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/collaborative\s+600\s+3 x 16\s+100%\/100%\/100%/);
    const { runs } = JSON.parse(readFileSync(out, 'utf8'));
    expect(runs).toHaveLength(1);
    expect(runs[0].report.items).toBe(600);
    // Balanced: no code holds more than its share (600 / 16 = 37.5, so 38) of the items.
    for (const load of runs[0].report.largestCodeLoad) expect(load).toBeLessThanOrEqual(38 / 37.5 + 1e-9);
  });

  it.each([
    ['sasrec', {}],
    ['generative', { levels: 2, codebookSize: 8, vectorDim: 8, beamWidth: 10 }],
  ])('trains %s into a model directory and recommends from it by item id', async (model, extra) => {
    const dir = mkdtempSync(join(tmpdir(), 'genfeed-cli-'));
    const config = join(dir, 'tiny.json');
    const params = { dim: 16, layers: 1, heads: 1, epochs: 1, batchSize: 256, ...extra };
    writeFileSync(config, JSON.stringify({ model, params }));
    const out = join(dir, 'model');
    const trained = await run('train', model, '--data', demoDataPath, '--config', config, '--out', out);
    expect(trained.code).toBe(0);
    expect(trained.out).toContain(`wrote ${out}: ${model} on demo-shop`);
    // Output bound for a file, not a terminal: each epoch still says how it went.
    expect(trained.err).toMatch(/epoch 1: loss \d+\.\d+.*\(\d+\.\d s\)/);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ model, fitOn: 'all', items: { file: 'items.json', count: 600 } });
    expect(manifest.dataset.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.params).toMatchObject(params);
    const itemIds: string[] = JSON.parse(readFileSync(join(out, 'items.json'), 'utf8'));
    const history = itemIds.slice(0, 3).join(',');
    const listed = await run(
      'recommend',
      '--model-dir',
      out,
      '--user-history',
      `${history},unknown-id`,
      '-k',
      '5',
      '--json',
    );
    expect(listed.code).toBe(0);
    const { items, unknownIds } = JSON.parse(listed.out);
    expect(unknownIds).toEqual(['unknown-id']);
    expect(items).toHaveLength(5);
    for (const { itemId } of items) expect(itemIds.slice(3)).toContain(itemId);
    const table = await run('recommend', '--model-dir', out, '--user-history', history);
    expect(table.out.split('\n')).toHaveLength(11);
  });

  it('refuses a missing model directory and a model with no saved form', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'genfeed-cli-'));
    const result = await run('recommend', '--model-dir', empty, '--user-history', '1,2');
    expect(result.code).toBe(2);
    expect(result.err).toContain(`Cannot load model directory ${empty}: manifest.json is missing`);
    const baseline = await run('train', 'itemknn', '--data', demoDataPath, '--out', join(empty, 'x'));
    expect(baseline.code).toBe(2);
    expect(baseline.err).toContain(
      'Cannot train "itemknn" into a model directory; available: sasrec, generative',
    );
  });

  it('prints help for every command', async () => {
    for (const command of [
      'demo',
      'eval',
      'data',
      'tokenize',
      'bench',
      'bench baselines',
      'train',
      'recommend',
    ]) {
      const result = await run(...command.split(' '), '--help');
      expect(result.code).toBe(0);
      expect(result.out).toContain(`Usage: genfeed ${command}`);
    }
    const evalHelp = await run('eval', '--help');
    expect(evalHelp.out.replace(/\s+/g, ' ')).toContain(
      '"pop", "itemknn", "markov", "cascade", "sasrec", "generative"',
    );
  });
});

describe('demo data', () => {
  it('is exactly what the generator produces, so the shipped file cannot drift', () => {
    expect(readFileSync(demoDataPath, 'utf8')).toBe(generateDemoSequences());
  });
});
