import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEvalConfig } from './eval-config.js';
import { findModel } from './model-registry.js';
import { packageRoot } from './package-paths.js';

const configDir = join(packageRoot, 'config');
const presets = readdirSync(configDir).filter((name) => name.endsWith('.json'));

describe('shipped config presets', () => {
  it('exist', () => {
    expect(presets.length).toBeGreaterThan(0);
  });

  it.each(presets)('%s parses and names only parameters its model knows', (name) => {
    const file = join(configDir, name);
    const config = parseEvalConfig(readFileSync(file, 'utf8'), file);
    expect(config.model).toBeDefined();
    const spec = findModel(config.model!);
    const named = [...Object.keys(config.params ?? {}), ...Object.keys(config.search ?? {})];
    expect(named.filter((key) => !(key in spec.defaults))).toEqual([]);
  });

  it.each(['amazon-beauty', 'kuairec', 'movielens'])('include sasrec and generative for %s', (dataset) => {
    expect(presets).toEqual(expect.arrayContaining([`sasrec-${dataset}.json`, `generative-${dataset}.json`]));
  });
});

describe('parseEvalConfig', () => {
  it('rejects malformed JSON and unknown fields, naming the file', () => {
    expect(() => parseEvalConfig('{"model": ', 'x.json')).toThrow(/^Cannot parse x\.json: /);
    expect(() => parseEvalConfig('{"modle": "pop"}', 'x.json')).toThrow(
      'Invalid config x.json: field "(top level)"',
    );
    expect(() => parseEvalConfig('{"selectBy": "auc"}', 'x.json')).toThrow(
      'Invalid config x.json: field "selectBy"',
    );
  });
});
