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

  it("checks params and search values with the model's schema, naming the field", () => {
    const parse = (config: unknown) => () => parseEvalConfig(JSON.stringify(config), 'dir/x.json');
    expect(parse({ model: 'generative', params: { architecture: 0 } })).toThrow(
      'Invalid config x.json: field "params.architecture": Invalid option: expected one of "lazy-decoder"|"encoder-decoder"',
    );
    expect(parse({ model: 'itemknn', params: { neighbors: 10 } })).toThrow(
      'Invalid config x.json: field "params.neighbors": not a parameter of model itemknn (known: neighbours, shrink, decay)',
    );
    expect(parse({ model: 'itemknn', search: { decay: [0.5, 2] } })).toThrow(
      'Invalid config x.json: field "search.decay.1": Too big',
    );
    expect(
      parse({ model: 'generative', search: { vectorKind: ['collaborative', 'content'] } }),
    ).not.toThrow();
  });
});
