import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, Random } from '../../core/index.js';
import { TinyTransformer } from '../bench/models.js';
import { intTensor } from '../int-tensor.js';
import { Linear } from '../nn/linear.js';
import { noGrad } from '../tape.js';
import { tensor } from '../tensor.js';
import { loadParameters } from './load-parameters.js';
import { decodeSafetensors, encodeSafetensors, loadCheckpoint, saveCheckpoint } from './safetensors.js';

const dir = mkdtempSync(join(tmpdir(), 'genfeed-ckpt-'));

describe('safetensors checkpoints', () => {
  it('round-trips tensors, ids, config and version in the safetensors layout', async () => {
    const model = new Linear(3, 2, new Random(1));
    const path = join(dir, 'linear.safetensors');
    const ids = intTensor([5, -1, 7], [3]);
    await saveCheckpoint(path, [...model.namedParameters(), ['vocab', ids]], {
      config: { dim: 3 },
      version: '9.9.9',
    });
    const bytes = readFileSync(path);
    // The layout Python's safetensors reads: u64 LE header length, JSON, 8-aligned data.
    const headerLength = Number(bytes.readBigUInt64LE(0));
    expect(headerLength % 8).toBe(0);
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
    expect(header.weight).toEqual({ dtype: 'F32', shape: [3, 2], data_offsets: [0, 24] });
    expect(header.vocab.dtype).toBe('I32');
    expect(header.__metadata__['genfeed.version']).toBe('9.9.9');
    expect(header.__metadata__['genfeed.sha256']).toMatch(/^[0-9a-f]{64}$/);

    const loaded = await loadCheckpoint(path);
    expect(loaded.config).toEqual({ dim: 3 });
    expect(loaded.version).toBe('9.9.9');
    expect(Array.from(loaded.tensors.get('vocab')!.data)).toEqual([5, -1, 7]);
    const copy = new Linear(3, 2, new Random(2));
    loadParameters(copy, loaded, { strict: false, source: path });
    expect(Array.from(copy.weight.data)).toEqual(Array.from(model.weight.data));
    expect(() => loadParameters(copy, loaded, { source: path })).toThrow(/unexpected tensor "vocab"/);
    expect(() =>
      loadParameters(new Linear(4, 2, new Random(1)), loaded, { strict: false, source: path }),
    ).toThrow(/"weight" has shape \[3, 2\], the model needs \[4, 2\]/);
  });

  const good = encodeSafetensors([['w', tensor([1, 2, 3, 4], [2, 2])]], { config: { a: 1 } });

  it('rejects a truncated file, naming the file and the problem', async () => {
    const path = join(dir, 'truncated.safetensors');
    writeFileSync(path, good.subarray(0, good.length - 3));
    const error = await loadCheckpoint(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toMatch(
      /truncated\.safetensors.*tensor "w" ends at data byte 16.*truncated/,
    );
    expect(() => decodeSafetensors(good.subarray(0, 5), 'x.safetensors')).toThrow(
      /x\.safetensors.*too short/,
    );
    expect(() => decodeSafetensors(good.subarray(0, 20), 'x.safetensors')).toThrow(/header needs/);
  });

  it('rejects corrupted bytes by checksum', () => {
    const bad = Uint8Array.from(good);
    bad[bad.length - 1]! ^= 0xff;
    expect(() => decodeSafetensors(bad, 'bad.safetensors')).toThrow(
      /bad\.safetensors: sha256 .* \(corrupted\)/,
    );
  });

  it('rejects bad headers, dtypes and shapes', () => {
    const make = (header: object, data = new Uint8Array(16)): Uint8Array => {
      const json = new TextEncoder().encode(JSON.stringify(header));
      const out = new Uint8Array(8 + json.length + data.length);
      new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
      out.set(json, 8);
      out.set(data, 8 + json.length);
      return out;
    };
    expect(() =>
      decodeSafetensors(make({ w: { dtype: 'F16', shape: [8], data_offsets: [0, 16] } }), 'f'),
    ).toThrow(/dtype F16/);
    expect(() =>
      decodeSafetensors(make({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 16] } }), 'f'),
    ).toThrow(/needs 12 bytes/);
    expect(() =>
      decodeSafetensors(make({ w: { dtype: 'F32', shape: [2], data_offsets: [8, 16] } }), 'f'),
    ).toThrow(/gap/);
    const notJson = Uint8Array.from(good);
    notJson[9] = 0x7b;
    notJson[10] = 0x7b;
    expect(() => decodeSafetensors(notJson, 'f')).toThrow(/not valid JSON/);
  });
});

describe('model checkpoints', () => {
  it('restores a transformer exactly from its safetensors file', async () => {
    const config = { vocab: 20, classes: 7, dim: 16, heads: 2, layers: 2, ffnDim: 32, maxLength: 6 };
    const model = new TinyTransformer(config, new Random(1));
    const path = join(dir, 'tfm.safetensors');
    await saveCheckpoint(path, model.namedParameters(), { config });
    const loaded = await loadCheckpoint(path);
    expect([...loaded.tensors.keys()]).toContain('blocks.1.attn.qkv.weight');
    const copy = new TinyTransformer(loaded.config as typeof config, new Random(99));
    loadParameters(copy, loaded, { source: path });
    const ids = intTensor([1, 5, 9, 2, 0, 19], [1, 6]);
    const a = noGrad(() => model.lastLogits(model.hidden(ids)));
    const b = noGrad(() => copy.lastLogits(copy.hidden(ids)));
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
  });
});
