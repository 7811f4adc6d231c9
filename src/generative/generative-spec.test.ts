import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MarkovKnn, Popularity } from '../baselines/index.js';
import { Random, silentLogger, silentProgress } from '../core/index.js';
import { loadDataset } from '../data/index.js';
import { type EvalPhase, evaluatePhase } from '../eval/index.js';
import { contentVectors } from '../tokenizer/index.js';
import { itemTokensOf } from './alignment.js';
import { pathLogProbs } from './beam-search.js';
import {
  GenerativeRecommender,
  generativeSpec,
  generativeSpecOf,
  sequentialVectors,
} from './generative-spec.js';
import { SasRecRecommender } from './sasrec-spec.js';

/**
 * 40 items in 4 loops of 10; each user walks one loop from some start, so the
 * next item is always the successor of the last (mod 10 within the loop).
 */
function loopData(users: number, random: Random): Int32Array[] {
  return Array.from({ length: users }, (_, user) => {
    const loop = user % 4;
    const start = random.int(10);
    const length = 4 + random.int(5);
    return Int32Array.from({ length }, (_, i) => loop * 10 + ((start + i) % 10));
  });
}

/** A validation phase whose target is each sequence's last item, after the rest. */
function lastItemPhase(sequences: Int32Array[]): EvalPhase {
  return {
    name: 'validation',
    fit: sequences,
    history: sequences.map((sequence) => sequence.subarray(0, -1)),
    exclude: sequences.map((sequence) => sequence.subarray(0, -1)),
    targets: sequences.map((sequence) => sequence.subarray(-1)),
  };
}

function logSoftmax(logits: Float32Array): Float32Array {
  const max = Math.max(...logits);
  const shift = max + Math.log(logits.reduce((sum, value) => sum + Math.exp(value - max), 0));
  return logits.map((value) => value - shift);
}

/** The teacher-forced path log-probability of each of `items` after `history` under the model's decoder. */
function forcedPaths(
  model: GenerativeRecommender,
  history: Int32Array,
  items: ArrayLike<number>,
): Float32Array {
  const tokens = itemTokensOf(model);
  const depth = model.tokenizer.depth;
  return pathLogProbs(
    model.model.decoder(history, tokens),
    Int32Array.from(
      Array.from(items).flatMap((item) => [...tokens.subarray(item * depth, (item + 1) * depth)]),
    ),
    depth,
  );
}

const small = {
  dim: 32,
  layers: 1,
  heads: 2,
  dropout: 0,
  lr: 1e-2,
  batchSize: 32,
  epochs: 30,
  decayEpochs: 0,
  levels: 2,
  codebookSize: 4,
  vectorDim: 8,
  beamWidth: 8,
  maxItems: 10,
};

describe('GenerativeRecommender (lazy decoder + constrained beam search)', () => {
  const random = new Random(3);
  const sequences = loopData(200, random);
  const data = { numUsers: sequences.length, numItems: 40, sequences };
  const recommender = new GenerativeRecommender(small);
  const fitted = recommender.fit(data, {
    random: new Random(1),
    logger: silentLogger,
    progress: silentProgress,
  });
  const folder = mkdtempSync(join(tmpdir(), 'genfeed-generative-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const successor = (item: number) => Math.floor(item / 10) * 10 + (((item % 10) + 1) % 10);

  it('overfits a tiny data set: the true next item comes first', async () => {
    await fitted;
    const last = recommender.training!.history.at(-1)!.loss;
    expect(last).toBeLessThan(0.3 * recommender.training!.history[0]!.loss);
    let first = 0;
    // Histories are training prefixes: the item position being generated was trained.
    for (const sequence of sequences.slice(0, 40)) {
      const { items } = recommender.generate(sequence.subarray(0, -1), { k: 5 });
      if (items[0] === sequence.at(-1)) first++;
    }
    expect(first).toBeGreaterThanOrEqual(38);
  }, 60_000);

  it('returns k distinct real items, none of the excluded ones, best first', async () => {
    await fitted;
    const history = sequences[0]!;
    const exclude = Int32Array.from([...history, successor(history.at(-1)!)]);
    const { items, scores } = recommender.recommend(0, history, 8, exclude);
    expect(items.length).toBe(8);
    expect(new Set(items).size).toBe(8);
    for (const item of items) {
      expect(item).toBeGreaterThanOrEqual(0);
      expect(item).toBeLessThan(40);
      expect(exclude).not.toContain(item);
    }
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeLessThanOrEqual(scores[i - 1]!);
  });

  it('generates a session of n distinct new items, following the loop', async () => {
    await fitted;
    const history = sequences[1]!.subarray(0, 2);
    const session = recommender.generateSession(history, 5);
    expect(session.items.length).toBe(5);
    expect(new Set(session.items).size).toBe(5);
    for (const item of session.items) expect(history).not.toContain(item);
    const expected: number[] = [];
    let item = history.at(-1)!;
    while (expected.length < 5) {
      item = successor(item);
      expected.push(item);
    }
    expect([...session.items]).toEqual(expected);
  });

  it('gives identical recommendations after save and load', async () => {
    await fitted;
    const path = join(folder, 'generative.safetensors');
    await recommender.save(path);
    const loaded = await GenerativeRecommender.load(path);
    for (const history of sequences.slice(0, 10)) {
      const a = recommender.generate(history, { k: 8 });
      const b = loaded.generate(history, { k: 8 });
      expect([...b.items]).toEqual([...a.items]);
      expect([...b.scores]).toEqual([...a.scores]);
    }
  });

  it('samples reproducibly, withholds items, places a cold-start item and finds similar ones', async () => {
    await fitted;
    const path = join(folder, 'serving-copy.safetensors');
    await recommender.save(path);
    const served = await GenerativeRecommender.load(path); // withhold and addItem change the model
    const history = sequences[2]!.subarray(0, 3);
    const draw = (seed: number) =>
      served.generate(history, { k: 1, sample: { temperature: 1, random: new Random(seed) } });
    expect(draw(5)).toEqual(draw(5));
    expect(() =>
      served.generate(history, { k: 2, sample: { temperature: 1, random: new Random(5) } }),
    ).toThrow(/k must be 1/);
    expect(() => served.generate(history, { k: 0 })).toThrow(/k must be a positive integer/);

    const next = served.generate(history, { k: 1 }).items[0]!;
    served.withhold([next]);
    expect([...served.generate(history, { k: 8 }).items]).not.toContain(next);
    expect([...served.similarItems(0, 39).items]).not.toContain(next);

    // A new item placed among items 0 and 1 of the first loop gets their codes and can be generated.
    const placed = served.addItem([
      { item: 0, similarity: 1 },
      { item: 1, similarity: 1 },
    ]);
    expect(placed.item).toBe(40);
    expect(served.tokenizer.itemCount).toBe(41);
    const others = Int32Array.from({ length: 40 }, (_, item) => item);
    expect([...served.generate(history, { k: 3, exclude: others }).items]).toEqual([40]);
    expect(served.similarItems(40, 3).items).toHaveLength(3);
  });

  it('chooses its epochs on a validation phase and is ranked by evaluatePhase through recommend', async () => {
    // Scored on training prefixes, so every generated item position was trained.
    const phase = lastItemPhase(sequences);
    const model = new GenerativeRecommender({ ...small, patience: 5, validationUsers: 50 });
    const result = await model.fit(
      { ...data, sequences: phase.fit },
      { random: new Random(2), logger: silentLogger, progress: silentProgress, validation: phase },
    );
    expect(result?.chosen?.epochs).toBe(model.training!.bestEpoch);
    expect(model.training!.history.some((epoch) => epoch.metric !== undefined)).toBe(true);
    expect(model.training!.stoppedEarly).toBe(true);
    // Recall@10 saturates within a loop of 10 items, so training stops early, well before recall@1 does.
    const metrics = evaluatePhase(model, phase, 40, { ks: [1, 10] }).metrics;
    expect(metrics['recall@10']).toBeGreaterThan(0.9);
    expect(metrics.mrr).toBeGreaterThan(metrics['recall@1']! - 1e-9);
    expect(metrics.mrr).toBeLessThanOrEqual(metrics['recall@10']!);
  }, 60_000);
});

describe('GenerativeRecommender with the encoder-decoder', () => {
  it('overfits the loops, keeps outputs valid, and reloads identically', async () => {
    const sequences = loopData(200, new Random(3));
    const recommender = new GenerativeRecommender({
      ...small,
      architecture: 'encoder-decoder',
      decoderLayers: 1,
    });
    await recommender.fit(
      { numUsers: sequences.length, numItems: 40, sequences },
      { random: new Random(1), logger: silentLogger, progress: silentProgress },
    );
    let first = 0;
    for (const sequence of sequences.slice(0, 40)) {
      const { items } = recommender.generate(sequence.subarray(0, -1), { k: 5 });
      expect(new Set(items).size).toBe(5);
      for (const item of items) expect(item).toBeGreaterThanOrEqual(0);
      if (items[0] === sequence.at(-1)) first++;
    }
    expect(first).toBeGreaterThanOrEqual(38);
    const folder = mkdtempSync(join(tmpdir(), 'genfeed-encdec-'));
    try {
      const path = join(folder, 'encdec.safetensors');
      await recommender.save(path);
      const loaded = await GenerativeRecommender.load(path);
      const history = sequences[5]!;
      expect([...loaded.generate(history, { k: 8 }).items]).toEqual([
        ...recommender.generate(history, { k: 8 }).items,
      ]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('generativeSpecOf (content vectors from the data set)', () => {
  it('fits content and combined semantic IDs from the item metadata, building the vectors once', async () => {
    const dataset = await loadDataset(
      fileURLToPath(new URL('../../fixtures/data/sequences', import.meta.url)),
    );
    const spec = generativeSpecOf(dataset);
    const data = {
      numUsers: dataset.interactions.users.size,
      numItems: dataset.interactions.items.size,
      sequences: dataset.interactions.sequences(),
    };
    const context = { random: new Random(1), logger: silentLogger, progress: silentProgress };
    const tiny = { ...small, epochs: 1, codebookSize: 2, levels: 1 };
    const content = spec.create({
      ...generativeSpec.defaults,
      ...tiny,
      vectorKind: 'content',
    }) as GenerativeRecommender;
    await content.fit(data, context);
    expect(content.tokenizer.itemCount).toBe(data.numItems);
    const combined = spec.create({
      ...generativeSpec.defaults,
      ...tiny,
      vectorKind: 'combined',
    }) as GenerativeRecommender;
    await combined.fit(data, context);
    expect(combined.tokenizer.itemCount).toBe(data.numItems);
    // Content vectors are built only for the kinds that need them.
    let calls = 0;
    const vectors = contentVectors(dataset.interactions.items.ids(), dataset.items);
    const counted = {
      content: () => {
        calls++;
        return vectors;
      },
    };
    await new GenerativeRecommender({ ...tiny, vectorKind: 'collaborative' }, counted).fit(data, context);
    expect(calls).toBe(0);
    await new GenerativeRecommender({ ...tiny, vectorKind: 'combined' }, counted).fit(data, context);
    expect(calls).toBe(1);
    // Without metadata, a content kind is refused with a clear message.
    await expect(
      new GenerativeRecommender({ ...tiny, vectorKind: 'content' }).fit(data, context),
    ).rejects.toThrow(/needs content vectors/);
  });
});

describe('sequentialVectors (vectorKind sequential)', () => {
  it('returns one unit-norm SASRec item embedding per item, the same for the same seed', async () => {
    const sequences = loopData(120, new Random(5));
    const data = { numUsers: sequences.length, numItems: 40, sequences };
    const p = { vectorDim: 8, sequentialEpochs: 2 };
    const run = () =>
      sequentialVectors(data, p, { random: new Random(7), logger: silentLogger, progress: silentProgress });
    const vectors = await run();
    expect([vectors.count, vectors.dim, vectors.vectors.length]).toEqual([40, 8, 320]);
    for (let item = 0; item < 40; item++)
      expect(Math.hypot(...vectors.vectors.subarray(item * 8, item * 8 + 8))).toBeCloseTo(1, 5);
    expect([...(await run()).vectors]).toEqual([...vectors.vectors]);
  });
});

describe('GenerativeRecommender with a next-item head', () => {
  const sequences = loopData(200, new Random(3));
  const data = { numUsers: sequences.length, numItems: 40, sequences };
  const phase = lastItemPhase(sequences);
  const model = new GenerativeRecommender({
    ...small,
    epochs: 12,
    itemLoss: 1,
    headMixSteps: 4,
    headMixUsers: 60,
    validationUsers: 50,
  });
  const fitted = model.fit(data, {
    random: new Random(2),
    logger: silentLogger,
    progress: silentProgress,
    validation: phase,
  });
  const history = sequences[7]!.subarray(0, -1);
  const exclude = Int32Array.from([...history, 0, 1, 2]);
  /** The head's log-softmax over the 40 items after `history`, from the decoder directly. */
  const headLogProbs = (): Float32Array => {
    const decoder = model.model.decoder(history, itemTokensOf(model));
    decoder.begin();
    return logSoftmax(decoder.itemLogits!());
  };

  it('chooses the head weight on validation among i / headMixSteps and returns it for the refit', async () => {
    const result = await fitted;
    expect([0, 0.25, 0.5, 0.75, 1]).toContain(result?.chosen?.headMix);
    expect(model.headMix).toBe(result?.chosen?.headMix);
    expect(result?.chosen?.epochs).toBe(model.training!.bestEpoch);
  }, 60_000);

  it('with the head alone (mix 1) ranks by the head: its top items outside exclude, each scored by its log-probability', async () => {
    await fitted;
    const head = headLogProbs();
    const { items, scores } = model.generate(history, { k: 8, exclude, headMix: 1 });
    const expected = Array.from(head.keys())
      .filter((item) => !exclude.includes(item))
      .sort((a, b) => head[b]! - head[a]! || a - b)
      .slice(0, 8);
    expect([...items]).toEqual(expected);
    for (const [i, item] of items.entries()) expect(scores[i]).toBeCloseTo(head[item]!, 4);
  });

  it('mixes each candidate path log-probability with the head log-probability, every item real and new', async () => {
    await fitted;
    const head = headLogProbs();
    const mixed = model.generate(history, { k: 8, exclude, headMix: 0.5 });
    // Each item's path log-probability, teacher-forced on a fresh decoder.
    const forced = forcedPaths(model, history, mixed.items);
    const pathOf = new Map(Array.from(mixed.items, (item, i) => [item, forced[i]!]));
    expect(new Set(mixed.items).size).toBe(8);
    mixed.items.forEach((item, i) => {
      expect(exclude).not.toContain(item);
      // The pool holds beam items (beam score) and head items (teacher-forced score): the same path log-prob.
      expect(mixed.scores[i]).toBeCloseTo(0.5 * pathOf.get(item)! + 0.5 * head[item]!, 4);
      if (i > 0) expect(mixed.scores[i]).toBeLessThanOrEqual(mixed.scores[i - 1]!);
    });
  });

  it('keeps the chosen head weight through save and load', async () => {
    await fitted;
    const folder = mkdtempSync(join(tmpdir(), 'genfeed-head-'));
    try {
      const path = join(folder, 'head.safetensors');
      await model.save(path);
      const loaded = await GenerativeRecommender.load(path);
      expect(loaded.headMix).toBe(model.headMix);
      const a = model.generate(history, { k: 8 });
      const b = loaded.generate(history, { k: 8 });
      expect([...b.items]).toEqual([...a.items]);
      expect([...b.scores]).toEqual([...a.scores]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('ties the head to the item-id input embedding when itemEmbedding is on', async () => {
    const tied = new GenerativeRecommender({
      ...small,
      epochs: 2,
      itemLoss: 1,
      itemEmbedding: 1,
      headMix: 1,
    });
    await tied.fit(data, { random: new Random(2), logger: silentLogger, progress: silentProgress });
    const decoder = tied.model as unknown as { itemHead: unknown; items: unknown };
    expect(decoder.itemHead).toBeUndefined();
    expect(decoder.items).toBeDefined();
    const { items } = tied.generate(history, { k: 5 });
    expect(new Set(items).size).toBe(5);
    for (const item of items) expect(history).not.toContain(item);
  }, 60_000);
});

describe('GenerativeRecommender combined with an ID model (idModel sasrec)', () => {
  const sequences = loopData(200, new Random(5));
  const data = { numUsers: sequences.length, numItems: 40, sequences };
  const phase = lastItemPhase(sequences);
  const model = new GenerativeRecommender({
    ...small,
    epochs: 6,
    idModel: 'sasrec',
    'sasrec.dim': 16,
    'sasrec.layers': 1,
    'sasrec.heads': 1,
    'sasrec.maxLength': 10,
    'sasrec.epochs': 25,
    'sasrec.lr': 1e-2,
    'sasrec.dropout': 0,
    headMixSteps: 4,
    headMixUsers: 60,
    validationUsers: 50,
  });
  const fitted = model.fit(data, {
    random: new Random(2),
    logger: silentLogger,
    progress: silentProgress,
    validation: phase,
  });
  const history = sequences[9]!.subarray(0, -1);
  const exclude = Int32Array.from([...history, 0, 1, 2]);
  const folder = mkdtempSync(join(tmpdir(), 'genfeed-id-model-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  /** SASRec's own log-softmax over the 40 items after `history`, from a reloaded copy of the ID model. */
  const sasrecLogProbs = async (): Promise<Float32Array> => {
    const path = join(folder, 'for-log-probs.safetensors');
    await model.save(path);
    const sasrec = await SasRecRecommender.load(`${path}.id-model`);
    const logits = new Float32Array(40);
    sasrec.scoreBatch([history], logits);
    return logSoftmax(logits);
  };

  it('trains the ID model for its own epochs and chooses the mix on validation', async () => {
    const result = await fitted;
    expect([0, 0.25, 0.5, 0.75, 1]).toContain(result?.chosen?.headMix);
    expect(model.headMix).toBe(result?.chosen?.headMix);
  }, 60_000);

  it('with the ID model alone (mix 1) ranks by SASRec: its top items outside exclude, scored by its log-softmax', async () => {
    await fitted;
    const head = await sasrecLogProbs();
    const { items, scores } = model.generate(history, { k: 6, exclude, headMix: 1 });
    const expected = Array.from(head.keys())
      .filter((item) => !exclude.includes(item))
      .sort((a, b) => head[b]! - head[a]! || a - b)
      .slice(0, 6);
    expect([...items]).toEqual(expected);
    for (const [i, item] of items.entries()) expect(scores[i]).toBeCloseTo(head[item]!, 4);
    // The loops are learnable: SASRec puts the true successor first.
    const last = history.at(-1)!;
    expect(items[0]).toBe(Math.floor(last / 10) * 10 + (((last % 10) + 1) % 10));
  });

  it('mixes path and ID-model log-probabilities, and reloads with both models and the chosen mix', async () => {
    await fitted;
    const head = await sasrecLogProbs();
    const mixed = model.generate(history, { k: 6, exclude, headMix: 0.5 });
    const forced = forcedPaths(model, history, mixed.items);
    mixed.items.forEach((item, i) => {
      expect(exclude).not.toContain(item);
      expect(mixed.scores[i]).toBeCloseTo(0.5 * forced[i]! + 0.5 * head[item]!, 4);
    });
    const path = join(folder, 'combined.safetensors');
    await model.save(path);
    const loaded = await GenerativeRecommender.load(path);
    expect(loaded.headMix).toBe(model.headMix);
    const a = model.generate(history, { k: 6, exclude });
    const b = loaded.generate(history, { k: 6, exclude });
    expect([...b.items]).toEqual([...a.items]);
    expect([...b.scores]).toEqual([...a.scores]);
  });

  it('refuses to load without its ID model, naming the file', async () => {
    await fitted;
    const path = join(folder, 'missing.safetensors');
    await model.save(path, { idModelPath: join(folder, 'elsewhere.safetensors') });
    await expect(GenerativeRecommender.load(path)).rejects.toThrow(/missing\.safetensors\.id-model/);
  });

  it('refuses a bad ID-model param, naming it', () => {
    expect(() => new GenerativeRecommender({ idModel: 'sasrec', 'sasrec.dim': -1 } as never)).toThrow(
      /sasrec\.dim/,
    );
  });
});

describe('GenerativeRecommender with a baseline as its ID model (idModel markov)', () => {
  const sequences = loopData(120, new Random(8));
  const data = { numUsers: sequences.length, numItems: 40, sequences };
  const model = new GenerativeRecommender({
    ...small,
    epochs: 3,
    idModel: 'markov',
    'markov.weight': 0.9,
    headMix: 1,
  });
  const fitted = model.fit(data, { random: new Random(2), logger: silentLogger, progress: silentProgress });
  const history = sequences[3]!.subarray(0, -1);
  const exclude = Int32Array.from(history);

  it('at mix 1 ranks like the Markov chain itself, scored by the log of its scores', async () => {
    await fitted;
    const markov = new MarkovKnn({ weight: 0.9 });
    markov.fit(data);
    const scores = new Float32Array(40);
    markov.score(0, history, scores);
    const expected = Array.from(scores.keys())
      .filter((item) => !exclude.includes(item))
      .sort((a, b) => scores[b]! - scores[a]! || a - b)
      .slice(0, 5);
    const { items, scores: mixed } = model.generate(history, { k: 5, exclude });
    expect([...items]).toEqual(expected);
    // Log-scores up to one constant per request.
    const shift = mixed[0]! - Math.log(scores[items[0]!]!);
    items.forEach((item, i) => {
      expect(mixed[i]! - Math.log(scores[item]!)).toBeCloseTo(shift, 4);
    });
  });

  it("adds idCandidates of the chain's top items to the beam's, all of them alone (mix 1)", async () => {
    await fitted;
    const fewer = new GenerativeRecommender({
      ...small,
      epochs: 3,
      idModel: 'markov',
      'markov.weight': 0.9,
      idCandidates: 2,
    });
    await fewer.fit(data, { random: new Random(2), logger: silentLogger, progress: silentProgress });
    const markov = new MarkovKnn({ weight: 0.9 });
    markov.fit(data);
    const scores = new Float32Array(40);
    markov.score(0, history, scores);
    const top = Array.from(scores.keys())
      .filter((item) => !exclude.includes(item))
      .sort((a, b) => scores[b]! - scores[a]! || a - b);
    // Alone it still fills the list from the chain.
    expect([...fewer.generate(history, { k: 5, exclude, headMix: 1 }).items]).toEqual(top.slice(0, 5));
    // Mixed, the candidates are the beam's plus the chain's top 2: nothing ranked only by the chain
    // beyond its top 2 appears unless the beam found it too.
    const beam = new Set(fewer.generate(history, { k: 30, exclude, headMix: 0 }).items);
    const mixed = fewer.generate(history, { k: 30, exclude, headMix: 0.5 }).items;
    const allowed = new Set([...beam, ...top.slice(0, 2)]);
    for (const item of mixed) expect(allowed.has(item)).toBe(true);
    expect(mixed.length).toBe(Math.min(30, allowed.size));
  }, 60_000);

  it('chooses its mix on a phase after a fit without validation, the best NDCG@10 of the grid', async () => {
    const fixed = new GenerativeRecommender({ ...small, epochs: 3, idModel: 'markov', headMixSteps: 4 });
    await fixed.fit(data, { random: new Random(2), logger: silentLogger, progress: silentProgress });
    expect(fixed.headMix).toBe(0.5); // the param, until chosen
    const phase = lastItemPhase(sequences);
    const ndcg = (mix: number) => {
      const ranker = {
        fit: () => undefined,
        score: () => undefined,
        recommend: (_user: number, history: Int32Array, k: number, exclude: Int32Array) =>
          fixed.generate(history, { k, exclude, headMix: mix }),
      };
      return evaluatePhase(ranker, phase, 40, { ks: [10] }).metrics['ndcg@10']!;
    };
    const grid = [0, 0.25, 0.5, 0.75, 1];
    const best = Math.max(...grid.map(ndcg));
    const chosen = fixed.chooseHeadMix(phase, 40, { random: new Random(3), logger: silentLogger });
    expect(grid).toContain(chosen);
    expect(fixed.headMix).toBe(chosen);
    expect(ndcg(chosen)).toBeCloseTo(best, 10);
    // Without an ID model (or a head) there is no weight to choose.
    const alone = new GenerativeRecommender({ ...small, epochs: 1 });
    await alone.fit(data, { random: new Random(2), logger: silentLogger, progress: silentProgress });
    expect(alone.chooseHeadMix(phase, 40, { random: new Random(3), logger: silentLogger })).toBe(0);
  }, 60_000);

  it('reloads with the chain and ranks alike at any mix', async () => {
    await fitted;
    const folder = mkdtempSync(join(tmpdir(), 'genfeed-markov-id-'));
    try {
      const path = join(folder, 'model.safetensors');
      await model.save(path);
      const loaded = await GenerativeRecommender.load(path);
      for (const headMix of [0.3, 1]) {
        const a = model.generate(history, { k: 5, exclude, headMix });
        const b = loaded.generate(history, { k: 5, exclude, headMix });
        expect([...b.items]).toEqual([...a.items]);
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('GenerativeRecommender with two ID models (idModel pop, secondIdModel markov)', () => {
  const sequences = loopData(120, new Random(9));
  const data = { numUsers: sequences.length, numItems: 40, sequences };
  const params = {
    ...small,
    epochs: 3,
    idModel: 'pop',
    secondIdModel: 'markov',
    'markov.weight': 0.9,
    headMixSteps: 2,
    headMixUsers: 0,
  } as const;
  const model = new GenerativeRecommender(params);
  const phase = lastItemPhase(sequences.slice(0, 60));
  const fitted = model.fit(data, {
    random: new Random(2),
    logger: silentLogger,
    progress: silentProgress,
    validation: phase,
  });
  const history = sequences[5]!.subarray(0, -1);
  const exclude = Int32Array.from(history);
  /** The log-softmax of each baseline's log-scores over the 40 items after `history`. */
  const baselineLogProbs = (): { pop: Float32Array; markov: Float32Array } => {
    const pop = new Popularity();
    pop.fit(data);
    const markov = new MarkovKnn({ weight: 0.9 });
    markov.fit(data);
    const logOf = (baseline: Popularity | MarkovKnn) => {
      const scores = new Float32Array(40);
      baseline.score(0, history, scores);
      return logSoftmax(scores.map((score) => Math.log(Math.max(score, 1e-9))));
    };
    return { pop: logOf(pop), markov: logOf(markov) };
  };

  it('refuses a second ID model without a first one or equal to it, naming the field', () => {
    expect(() => new GenerativeRecommender({ secondIdModel: 'markov' })).toThrow(/secondIdModel.*idModel/);
    expect(() => new GenerativeRecommender({ idModel: 'markov', secondIdModel: 'markov' })).toThrow(
      /secondIdModel/,
    );
  });

  it('chooses both weights on validation, the best NDCG@10 of the grid, and returns them for the refit', async () => {
    const result = await fitted;
    const grid = [0, 0.5, 1];
    expect(grid).toContain(result?.chosen?.headMix);
    expect(grid).toContain(result?.chosen?.secondMix);
    expect(model.headMix).toBe(result?.chosen?.headMix);
    expect(model.secondMix).toBe(result?.chosen?.secondMix);
    const ndcg = (headMix: number, secondMix: number) => {
      const ranker = {
        fit: () => undefined,
        score: () => undefined,
        recommend: (_user: number, history: Int32Array, k: number, exclude: Int32Array) =>
          model.generate(history, { k, exclude, headMix, secondMix }),
      };
      return evaluatePhase(ranker, phase, 40, { ks: [10] }).metrics['ndcg@10']!;
    };
    const best = Math.max(...grid.flatMap((headMix) => grid.map((secondMix) => ndcg(headMix, secondMix))));
    expect(ndcg(model.headMix, model.secondMix)).toBeCloseTo(best, 10);
  }, 60_000);

  it('at head weight 1 and second weight 1 ranks like the Markov chain alone', async () => {
    await fitted;
    const { markov } = baselineLogProbs();
    const { items, scores } = model.generate(history, { k: 5, exclude, headMix: 1, secondMix: 1 });
    const expected = Array.from(markov.keys())
      .filter((item) => !exclude.includes(item))
      .sort((a, b) => markov[b]! - markov[a]! || a - b)
      .slice(0, 5);
    expect([...items]).toEqual(expected);
    items.forEach((item, i) => {
      expect(scores[i]).toBeCloseTo(markov[item]!, 4);
    });
  });

  it('returns the list of the exhaustive pool: every ID candidate path-scored, none skipped', async () => {
    await fitted;
    const { pop, markov } = baselineLogProbs();
    const width = params.beamWidth;
    for (const [headMix, secondMix] of [
      [0.5, 0.5],
      [0.9, 0.2],
      [0.2, 0.8],
    ] as const) {
      // The exhaustive pool by hand: the beam's items (headMix 0 ranks them by their beam scores),
      // then each ID model's top `width` items outside the beam, the exclusions and the first's.
      const beam = model.generate(history, { k: width, exclude, headMix: 0 });
      const taken = new Set([...beam.items, ...exclude]);
      const topOf = (logProbs: Float32Array): number[] => {
        const top = Array.from(logProbs.keys())
          .filter((item) => !taken.has(item))
          .sort((a, b) => logProbs[b]! - logProbs[a]! || a - b)
          .slice(0, width);
        for (const item of top) taken.add(item);
        return top;
      };
      const extra = [...topOf(pop), ...topOf(markov)];
      const forced = forcedPaths(model, history, extra);
      const candidates = [...beam.items, ...extra];
      const paths = [...beam.scores, ...forced];
      const scores = candidates.map(
        (item, i) =>
          (1 - headMix) * paths[i]! + headMix * ((1 - secondMix) * pop[item]! + secondMix * markov[item]!),
      );
      const expected = Array.from(scores.keys())
        .sort((a, b) => scores[b]! - scores[a]! || a - b)
        .slice(0, 5)
        .map((i) => candidates[i]!);
      const { items } = model.generate(history, { k: 5, exclude, headMix, secondMix });
      expect([...items]).toEqual(expected);
    }
  });

  it('mixes the path with both ID models by the two weights, and reloads with both and the chosen weights', async () => {
    await fitted;
    const { pop, markov } = baselineLogProbs();
    const mixed = model.generate(history, { k: 8, exclude, headMix: 0.5, secondMix: 0.25 });
    const forced = forcedPaths(model, history, mixed.items);
    mixed.items.forEach((item, i) => {
      expect(exclude).not.toContain(item);
      const id = 0.75 * pop[item]! + 0.25 * markov[item]!;
      expect(mixed.scores[i]).toBeCloseTo(0.5 * forced[i]! + 0.5 * id, 4);
    });
    const folder = mkdtempSync(join(tmpdir(), 'genfeed-second-id-'));
    try {
      const path = join(folder, 'model.safetensors');
      await model.save(path);
      const loaded = await GenerativeRecommender.load(path);
      expect([loaded.headMix, loaded.secondMix]).toEqual([model.headMix, model.secondMix]);
      for (const secondMix of [0, 0.25, 1]) {
        const a = model.generate(history, { k: 6, exclude, headMix: 0.5, secondMix });
        const b = loaded.generate(history, { k: 6, exclude, headMix: 0.5, secondMix });
        expect([...b.items]).toEqual([...a.items]);
        expect([...b.scores]).toEqual([...a.scores]);
      }
      rmSync(`${path}.second-id-model`, { force: true });
      await expect(GenerativeRecommender.load(path)).rejects.toThrow(/model\.safetensors\.second-id-model/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
