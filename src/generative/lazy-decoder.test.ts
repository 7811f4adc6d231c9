import { describe, expect, it } from 'vitest';
import { Random } from '../core/index.js';
import { backward, matmul, noGrad, reshape, slice } from '../tensor/index.js';
import { withoutPool } from '../tensor/test-support/pool.js';
import { beamSearch, pathLogProbs, type StepDecoder } from './beam-search.js';
import { LazyDecoder } from './lazy-decoder.js';
import { BOS_TOKEN, nextTokenBatch, PAD_TOKEN, tokenStreamBatch } from './semantic-sequences.js';

// 3 tokens per item: level ranges [2, 6), [6, 10), [10, 14).
const offsets = [2, 6, 10, 14];
const depth = 3;
const itemTokens = new Int32Array(40 * depth);
for (let item = 0; item < 40; item++)
  itemTokens.set([2 + (item % 4), 6 + ((item >> 2) % 4), 10 + ((item >> 4) % 4)], item * depth);

describe('semantic token streams', () => {
  it('lays out BOS + item tokens left-padded, with item positions, levels and per-level next-token targets', () => {
    const batch = nextTokenBatch(
      [Int32Array.from([5, 17]), Int32Array.from([3])],
      itemTokens,
      depth,
      10,
      offsets,
    );
    // Row 0 stream: BOS, 5's 3 tokens, 17's first 2 (the last token is only a target): 6 slots.
    expect(batch.inputs.shape).toEqual([2, 6]);
    expect([...batch.inputs.data.subarray(0, 6)]).toEqual([
      BOS_TOKEN,
      ...itemTokens.subarray(15, 18),
      2 + 1,
      6 + 0,
    ]);
    expect([...batch.itemPositions.data.subarray(0, 6)]).toEqual([0, 0, 0, 0, 1, 1]);
    expect([...batch.levels.data.subarray(0, 6)]).toEqual([3, 0, 1, 2, 0, 1]);
    // Row 1: one item -> BOS + its first two tokens, left-padded by 3.
    expect([...batch.inputs.data.subarray(6)]).toEqual([PAD_TOKEN, PAD_TOKEN, PAD_TOKEN, BOS_TOKEN, 5, 6]);
    expect([...batch.keyMask.subarray(6)]).toEqual([0, 0, 0, 1, 1, 1]);
    // Level-0 targets: slot 0 (-> item 5 code 1), slot 3 (-> item 17 code 1), row 1 slot 9 (-> item 3 code 3).
    expect([...batch.positions[0]!.data]).toEqual([0, 3, 9]);
    expect([...batch.targets[0]!.data]).toEqual([1, 1, 3]);
    expect([...batch.nextItems.data]).toEqual([5, 17, 3]);
    expect([...batch.targets[2]!.data]).toEqual([0, 1, 0]);
    // Item ids sit only at the last slot of a fully fed item (item 5's level-2 slot), never where a code is still a target.
    expect([...batch.items.subarray(0, 6)]).toEqual([-1, -1, -1, 5, -1, -1]);
    expect([...batch.items.subarray(6)]).toEqual([-1, -1, -1, -1, -1, -1]);
  });
});

describe('LazyDecoder', () => {
  it.each([0, 40])(
    'decodes with the KV cache exactly as a full forward pass (item inputs %i)',
    (itemInputs) => {
      const model = new LazyDecoder(
        {
          vocabularySize: 14,
          levelOffsets: offsets,
          dim: 16,
          layers: 2,
          heads: 2,
          maxItems: 10,
          dropout: 0,
          itemInputs,
        },
        new Random(1),
      );
      expect(model.items === undefined).toBe(itemInputs === 0);
      model.eval();
      for (const length of [1, 3, 9]) {
        const history = Int32Array.from({ length }, (_, i) => (i * 7) % 40);
        const target = 13;
        const full = tokenStreamBatch([Int32Array.from([...history, target])], itemTokens, depth, 10);
        const hidden = noGrad(() => model.hidden(full)); // [1, T, 16]
        const time = hidden.shape[1]!;
        const decoder = model.decoder(history, itemTokens);
        // Two beams from the same parent; the second (the target's path) goes on alone.
        const other = itemTokens[target * depth] === 3 ? 2 : 3;
        const steps = [
          decoder.begin().slice(),
          decoder
            .step(Int32Array.from([0, 0]), Int32Array.from([other, itemTokens[target * depth]!]))
            .slice(14, 28),
          decoder.step(Int32Array.from([1]), Int32Array.from([itemTokens[target * depth + 1]!])).slice(0, 14),
        ];
        for (let level = 0; level < depth; level++) {
          const slot = time - 1 - depth + level;
          const row = reshape(slice(hidden, 1, slot, slot + 1), [1, 16]);
          const expected = matmul(row, model.levelWeights(level), { transB: true }).data;
          const got = steps[level]!.subarray(offsets[level]!, offsets[level + 1]!);
          for (const [i, value] of expected.entries()) expect(got[i]).toBeCloseTo(value, 4);
          expect(steps[level]!.filter(Number.isFinite).length).toBe(4);
        }
      }
    },
  );

  it('trains the item-id embedding of the next items through the auxiliary item loss only when it is on', () => {
    const sequences = [Int32Array.from([5, 17, 3]), Int32Array.from([8, 9])];
    const gradientRows = (itemLoss: number): number[] => {
      const model = new LazyDecoder(
        {
          vocabularySize: 14,
          levelOffsets: offsets,
          dim: 8,
          layers: 1,
          heads: 2,
          maxItems: 10,
          dropout: 0,
          itemInputs: 40,
          itemLoss,
        },
        new Random(2),
      );
      backward(model.sequenceLoss(sequences, itemTokens, new Random(3)));
      const grad = model.items!.weight.grad!;
      return Array.from({ length: 41 }, (_, row) => row).filter((row) =>
        grad.subarray(row * 8, (row + 1) * 8).some((value) => value !== 0),
      );
    };
    // Inputs alone: the fed items' last slots (5, 17, 8) and the 'none' row (40).
    expect(gradientRows(0)).toEqual([5, 8, 17, 40]);
    // The softmax over the catalogue reaches every item row (and 'none' keeps its input gradient).
    expect(gradientRows(1)).toEqual(Array.from({ length: 41 }, (_, row) => row));
  });

  it('scores given paths teacher-forced exactly as beam search scored them, and gives the untied head logits', () => {
    const model = new LazyDecoder(
      {
        vocabularySize: 14,
        levelOffsets: offsets,
        dim: 16,
        layers: 2,
        heads: 2,
        maxItems: 10,
        dropout: 0,
        itemLoss: 1,
        headItems: 40,
      },
      new Random(4),
    );
    model.eval();
    const history = Int32Array.from([5, 17, 3]);
    const found = beamSearch(model.decoder(history, itemTokens), { beamWidth: 6, steps: depth });
    // Beams in reverse order: each row's score is its own.
    const reversed = new Int32Array(found.tokens.length);
    for (let i = 0; i < 6; i++)
      reversed.set(found.tokens.subarray(i * depth, (i + 1) * depth), (5 - i) * depth);
    const forced = pathLogProbs(model.decoder(history, itemTokens), reversed, depth);
    for (let i = 0; i < 6; i++) expect(forced[5 - i]).toBeCloseTo(found.scores[i]!, 4);
    // A fork after a finished beam search shares the prefill and scores the same.
    const searched = model.decoder(history, itemTokens);
    beamSearch(searched, { beamWidth: 6, steps: depth });
    expect([...pathLogProbs(searched.fork!(), reversed, depth)]).toEqual([...forced]);
    // The head: the state after the history against the head's own item table.
    const decoder = model.decoder(history, itemTokens);
    decoder.begin();
    const got = decoder.itemLogits!();
    const hidden = noGrad(() => model.hidden(tokenStreamBatch([history], itemTokens, depth, 10)));
    const time = hidden.shape[1]!;
    const last = reshape(slice(hidden, 1, time - 1, time), [1, 16]);
    const expected = matmul(last, model.itemHead!.weight, { transB: true }).data;
    expect(got.length).toBe(40);
    for (const [i, value] of expected.entries()) expect(got[i]).toBeCloseTo(value, 4);
  });

  it('with sampled negatives, trains only the head rows of the batch items and the drawn ones', () => {
    const sequences = [Int32Array.from([5, 17, 3]), Int32Array.from([8, 9])];
    const model = new LazyDecoder(
      {
        vocabularySize: 14,
        levelOffsets: offsets,
        dim: 8,
        layers: 1,
        heads: 2,
        maxItems: 10,
        dropout: 0,
        itemLoss: 1,
        headItems: 40,
        headNegatives: 4,
      },
      new Random(2),
    );
    backward(model.sequenceLoss(sequences, itemTokens, new Random(3)));
    const grad = model.itemHead!.weight.grad!;
    const rows = Array.from({ length: 40 }, (_, row) => row).filter((row) =>
      grad.subarray(row * 8, (row + 1) * 8).some((value) => value !== 0),
    );
    // Every next item (the five items) is a candidate; at most four more rows were drawn.
    for (const item of [5, 17, 3, 8, 9]) expect(rows).toContain(item);
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThanOrEqual(9);
  });
});

describe('LazyDecoder buffers (drawn from the buffer pool, given back by release)', () => {
  // Sizes the pool keeps (1024 floats and up): logits [12, 122], beam caches [12, 3, 48], context [31, 48].
  const levels = [2, 42, 82, 122];
  const tokens = new Int32Array(60 * depth);
  for (let item = 0; item < 60; item++)
    tokens.set([2 + (item % 40), 42 + ((item * 7) % 40), 82 + ((item * 13) % 40)], item * depth);
  const modelOf = (seed: number): LazyDecoder => {
    const model = new LazyDecoder(
      { vocabularySize: 122, levelOffsets: levels, dim: 48, layers: 2, heads: 2, maxItems: 10, dropout: 0 },
      new Random(seed),
    );
    model.eval();
    return model;
  };
  const [model, other] = [modelOf(5), modelOf(6)];
  const [longer, shorter] = [Int32Array.from([5, 17, 3, 44, 21]), Int32Array.from([8, 9])];
  const beamWidth = 12;
  const forced = tokens.slice(0, 8 * depth); // 8 items' paths, teacher-forced

  /** A recommender's request: beam search, then the paths of other items on a fork, both released. */
  const request = (decoding: LazyDecoder, history: Int32Array) => {
    const decoder = decoding.decoder(history, tokens);
    const found = beamSearch(decoder, { beamWidth, steps: depth });
    const fork = decoder.fork!();
    const paths = pathLogProbs(fork, forced, depth);
    fork.release!();
    decoder.release!();
    return { ...found, paths };
  };

  /**
   * The calls of a short decoding (two reorders), its fed tokens moved by
   * `shift`; each returns the decoder's own logits array.
   */
  const script = (shift: number): ((decoder: StepDecoder) => Float32Array)[] => [
    (decoder) => decoder.begin(),
    (decoder) =>
      decoder.step(
        new Int32Array(beamWidth),
        Int32Array.from({ length: beamWidth }, (_, i) => 2 + shift + i),
      ),
    (decoder) =>
      decoder.step(
        Int32Array.from([11, 3, 3, 0, 5, 7, 1, 2, 9, 9, 4, 6]),
        Int32Array.from({ length: beamWidth }, (_, i) => 42 + shift + 3 * i),
      ),
  ];
  const alone = (decoding: LazyDecoder, history: Int32Array, shift: number): Float32Array[] => {
    const decoder = decoding.decoder(history, tokens);
    const outputs = script(shift).map((call) => call(decoder).slice());
    decoder.release!();
    return outputs;
  };

  it('decodes bit-identically from recycled buffers as from fresh ones, and reuses them', () => {
    const reference = withoutPool(() => request(model, longer));
    expect(reference.scores.length).toBe(beamWidth);
    // Another model's requests leave their buffers, full of other values, in the pool.
    request(other, shorter);
    request(other, longer);
    for (let i = 0; i < 3; i++) expect(request(model, longer)).toEqual(reference);
    // A released decoder's logits are the next one's: nothing new is allocated.
    const first = model.decoder(longer, tokens);
    first.begin();
    const buffer = first.step(new Int32Array(beamWidth), new Int32Array(beamWidth).fill(2)).buffer;
    first.release!();
    expect(() => first.begin()).toThrow(/after release/);
    const second = other.decoder(shorter, tokens);
    second.begin();
    expect(second.step(new Int32Array(beamWidth), new Int32Array(beamWidth).fill(2)).buffer).toBe(buffer);
    second.release!();
  });

  it('gives two models and two histories, interleaved call by call, what each gives alone', () => {
    const cases = [
      [model, longer, 0],
      [other, shorter, 0],
      [model, shorter, 0],
      [model, longer, 1], // the fork below
    ] as const;
    const expected = withoutPool(() =>
      cases.map(([decoding, history, shift]) => alone(decoding, history, shift)),
    );
    const decoders = cases.slice(0, 3).map(([decoding, history]) => decoding.decoder(history, tokens));
    // A fork of the first decoder: its own beams over the shared prefill.
    decoders.push(decoders[0]!.fork!());
    const scripts = cases.map(([, , shift]) => script(shift));
    const outputs: Float32Array[][] = decoders.map(() => []);
    for (let call = 0; call < scripts[0]!.length; call++) {
      // Every decoder's logits of this call are read only once all of them made it.
      const logits = decoders.map((decoder, i) => scripts[i]![call]!(decoder));
      logits.forEach((values, i) => {
        outputs[i]!.push(values.slice());
      });
    }
    expect(outputs).toEqual(expected);
    // Released while the fork lives on: the fork keeps the prefill and decodes the same again.
    decoders[0]!.release!();
    decoders[1]!.release!();
    expect(script(1).map((call) => call(decoders[3]!).slice())).toEqual(expected[3]);
    for (const decoder of decoders.slice(2)) decoder.release!();
    // Whole requests of the two models, alternating, as each alone.
    const requests = withoutPool(() => [request(model, longer), request(other, shorter)]);
    for (let i = 0; i < 2; i++) {
      expect(request(model, longer)).toEqual(requests[0]);
      expect(request(other, shorter)).toEqual(requests[1]);
    }
  });
});
