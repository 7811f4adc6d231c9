import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, Random } from '../core/index.js';
import { loadCheckpoint, type StoredTensor, Tensor } from '../tensor/index.js';
import { SasRec, type SasRecConfig } from './sasrec.js';
import {
  loadReferenceWeights,
  referenceSasRecOptions,
  referenceTrainSequences,
  replayReferenceSteps,
} from './sasrec-reference.js';

/**
 * A fixture written by the PyTorch reference (`npm run bench:parity -- --data
 * src/generative/test-support/sasrec-reference-data.txt --steps 6 --d 8 --heads 2
 * --layers 2 --maxlen 6 --bs 8 --lr 1e-2 --save-fixture <prefix>`): its initial
 * weights and the users and loss of its first six Adam steps, dropout off.
 */
const support = new URL('./test-support/', import.meta.url);
const fixture = JSON.parse(readFileSync(new URL('sasrec-reference-steps.json', support), 'utf8')) as {
  config: { dim: number; layers: number; heads: number; maxLength: number; lr: number; refit: boolean };
  steps: { loss: number; users: number[] }[];
};
const { dim, layers, heads, maxLength, lr, refit } = fixture.config;
const { sequences, numItems } = referenceTrainSequences(
  readFileSync(new URL('sasrec-reference-data.txt', support), 'utf8'),
  refit,
);

async function referenceTensors(): Promise<Map<string, StoredTensor>> {
  return (await loadCheckpoint(new URL('sasrec-reference-init.safetensors', support).pathname)).tensors;
}

function model(overrides: Partial<SasRecConfig> = {}): SasRec {
  return new SasRec(
    { numItems, dim, layers, heads, maxLength, ...referenceSasRecOptions(dim, 0), ...overrides },
    new Random(9),
  );
}

describe('the PyTorch SASRec reference', () => {
  it('maps every reference tensor onto a parameter (padding row last, Linear weights transposed)', async () => {
    const tensors = await referenceTensors();
    const sasrec = model();
    loadReferenceWeights(sasrec, tensors);
    const ref = (name: string) => tensors.get(name)!.data as Float32Array;
    // Item i of genfeed is item i + 1 of the reference; its padding row 0 becomes the last row.
    expect(sasrec.items.weight.data.subarray(0, dim)).toEqual(ref('item.weight').subarray(dim, 2 * dim));
    expect(Array.from(sasrec.items.weight.data.subarray(numItems * dim))).toEqual(new Array(dim).fill(0));
    // in_proj_weight [3d, d] (out, in) -> qkv.weight [d, 3d] (in, out).
    const qkv = sasrec.blocks[1]!.attn.qkv.weight.data;
    const inProj = ref('blocks.1.att.in_proj_weight');
    for (const [out, input] of [
      [0, 0],
      [5, 3],
      [3 * dim - 1, dim - 1],
    ] as const) {
      expect(qkv[input * 3 * dim + out]).toBe(inProj[out * dim + input]);
    }
    expect(sasrec.blocks[0]!.fc2.bias!.data).toEqual(ref('blocks.0.ff.3.bias'));
    expect(sasrec.norm.gamma.data).toEqual(ref('ln.weight'));

    const extra = new Map(tensors).set('extra.weight', new Tensor(new Float32Array(1), [1]));
    expect(() => loadReferenceWeights(model(), extra)).toThrow(/not mapped: extra\.weight/);
    const missing = new Map(tensors);
    missing.delete('blocks.1.ff.0.weight');
    expect(() => loadReferenceWeights(model(), missing)).toThrow(InvalidInputError);
    // The default feed-forward width (4d) does not fit the reference's (d).
    expect(() => loadReferenceWeights(model({ ffnDim: 4 * dim }), tensors)).toThrow(/shape/);
  });

  it('takes the same first six Adam steps: every loss within 1e-4 relative', async () => {
    const sasrec = model();
    loadReferenceWeights(sasrec, await referenceTensors());
    const losses = replayReferenceSteps(
      sasrec,
      sequences,
      fixture.steps.map((step) => step.users),
      lr,
    );
    losses.forEach((loss, i) => {
      const expected = fixture.steps[i]!.loss;
      expect(Math.abs(loss - expected) / expected).toBeLessThan(1e-4);
    });
    // The options matter: positions counted from the oldest item (short users' batches) miss it.
    const oldest = model({ positions: 'oldest' });
    loadReferenceWeights(oldest, await referenceTensors());
    const drift = replayReferenceSteps(
      oldest,
      sequences,
      fixture.steps.map((step) => step.users),
      lr,
    ).map((loss, i) => Math.abs(loss - fixture.steps[i]!.loss) / fixture.steps[i]!.loss);
    expect(Math.max(...drift)).toBeGreaterThan(1e-3);
  });
});
