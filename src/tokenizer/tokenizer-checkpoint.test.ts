import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, Random } from '../core/index.js';
import { encodeSafetensors, IntTensor, Tensor } from '../tensor/index.js';
import { SemanticTokenizer } from './semantic-tokenizer.js';
import {
  decodeTokenizer,
  encodeTokenizer,
  loadTokenizer,
  loadTokenizerCheckpoint,
  saveTokenizer,
} from './tokenizer-checkpoint.js';

const dim = 6;
const random = new Random(1);
const vectors = Float32Array.from({ length: 400 * dim }, () => random.normal());

function fitted(): SemanticTokenizer {
  const tokenizer = SemanticTokenizer.fit(
    { vectors, count: 400, dim },
    { levels: 3, codebookSize: 8, seed: 4 },
  );
  tokenizer.assign(vectors.subarray(0, dim)); // a cold-start item is saved too
  return tokenizer;
}

describe('tokenizer checkpoints', () => {
  let folder = '';
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'genfeed-tokenizer-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('saves and loads an identical tokenizer', async () => {
    const tokenizer = fitted();
    const path = join(folder, 'tokenizer.safetensors');
    await saveTokenizer(path, tokenizer);
    const loaded = await loadTokenizer(path);
    expect(loaded.itemCount).toBe(401);
    expect(loaded.semanticIds()).toEqual(tokenizer.semanticIds());
    for (let level = 0; level < 3; level++) expect(loaded.codebook(level)).toEqual(tokenizer.codebook(level));
    expect(loaded.disambiguationCapacity).toBe(tokenizer.disambiguationCapacity);
    expect(loaded.training).toEqual({
      seed: 4,
      iterations: 10,
      tolerance: 0.001,
      balanced: true,
      candidates: 32,
    });
    expect(loaded.vocabulary.size).toBe(tokenizer.vocabulary.size);
    expect(loaded.encodeAll(vectors)).toEqual(tokenizer.encodeAll(vectors));
    for (let item = 0; item < 401; item++) expect(loaded.itemOf(tokenizer.semanticId(item))).toBe(item);
    expect(encodeTokenizer(loaded)).toEqual(new Uint8Array(await readFile(path)));
  });

  it('keeps the item ids, and still loads a version 1 file (no ids)', async () => {
    const tokenizer = fitted();
    const itemIds = Array.from({ length: 401 }, (_, item) => `item-${item}`);
    const path = join(folder, 'with-ids.safetensors');
    await saveTokenizer(path, tokenizer, { itemIds });
    const loaded = await loadTokenizerCheckpoint(path);
    expect(loaded.itemIds).toEqual(itemIds);
    expect(loaded.tokenizer.semanticIds()).toEqual(tokenizer.semanticIds());
    expect(() => encodeTokenizer(tokenizer, { itemIds: ['a'] })).toThrow('1 item ids for 401 items');

    const tensors: [string, Tensor | IntTensor][] = [
      ['codebooks', new Tensor(new Float32Array(3 * 8 * dim), [3, 8, dim])],
      ['semantic_ids', new IntTensor(tokenizer.semanticIds(), [401, 4])],
    ];
    const config = {
      format: 'genfeed.semantic-tokenizer',
      levels: 3,
      codebookSize: 8,
      dim,
      items: 401,
      disambiguationCapacity: tokenizer.disambiguationCapacity,
      firstToken: 0,
    };
    const version1 = encodeSafetensors(tensors, { config: { ...config, formatVersion: 1 } });
    await writeFile(join(folder, 'v1.safetensors'), version1);
    const old = await loadTokenizerCheckpoint(join(folder, 'v1.safetensors'));
    expect(old.itemIds).toBeUndefined();
    expect(old.tokenizer.semanticIds()).toEqual(tokenizer.semanticIds());
    const version9 = encodeSafetensors(tensors, { config: { ...config, formatVersion: 9 } });
    expect(() => decodeTokenizer(version9, 'new.safetensors')).toThrow(
      'Cannot load tokenizer new.safetensors: format version 9 is newer than this genfeed reads (1..2); upgrade genfeed',
    );
  });

  it('rejects a corrupted file, naming it and the problem', async () => {
    const bytes = encodeTokenizer(fitted());
    const flipped = bytes.slice();
    flipped[flipped.length - 3]! ^= 0xff;
    const path = join(folder, 'corrupt.safetensors');
    await writeFile(path, flipped);
    await expect(loadTokenizer(path)).rejects.toThrow(/corrupt\.safetensors.*sha256.*corrupted/);
    await expect(loadTokenizer(path)).rejects.toBeInstanceOf(InvalidInputError);
    expect(() => decodeTokenizer(bytes.subarray(0, bytes.length - 10), 'cut.safetensors')).toThrow(
      /cut\.safetensors.*truncated/,
    );
  });

  it('rejects a well-formed checkpoint whose shapes or codes contradict its config', () => {
    const tokenizer = fitted();
    const config = {
      format: 'genfeed.semantic-tokenizer',
      formatVersion: 1,
      levels: 3,
      codebookSize: 8,
      dim,
      items: 401,
      disambiguationCapacity: tokenizer.disambiguationCapacity,
      firstToken: 0,
    };
    const codebooks = new Tensor(new Float32Array(3 * 8 * dim), [3, 8, dim]);
    const ids = new IntTensor(tokenizer.semanticIds(), [401, 4]);
    const wrongShape = encodeSafetensors(
      [
        ['codebooks', codebooks],
        ['semantic_ids', ids],
      ],
      {
        config: { ...config, dim: dim + 1 },
      },
    );
    expect(() => decodeTokenizer(wrongShape, 'shape.safetensors')).toThrow(
      /shape\.safetensors: tensor "codebooks" has shape \[3, 8, 6\], the config needs \[3, 8, 7\]/,
    );
    const badCodes = tokenizer.semanticIds();
    badCodes[5] = 8;
    const outOfRange = encodeSafetensors(
      [
        ['codebooks', codebooks],
        ['semantic_ids', new IntTensor(badCodes, [401, 4])],
      ],
      { config },
    );
    expect(() => decodeTokenizer(outOfRange, 'codes.safetensors')).toThrow(
      /codes\.safetensors.*outside \[0, 8\)/,
    );
    const notATokenizer = encodeSafetensors([['codebooks', codebooks]], { config: { layers: 2 } });
    expect(() => decodeTokenizer(notATokenizer, 'model.safetensors')).toThrow(
      /not a genfeed\.semantic-tokenizer/,
    );
    const missing = encodeSafetensors([['codebooks', codebooks]], { config });
    expect(() => decodeTokenizer(missing, 'missing.safetensors')).toThrow(/"semantic_ids" is missing/);
  });
});
