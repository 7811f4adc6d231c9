import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Random, silentLogger, silentProgress } from '../core/index.js';
import { GenerativeRecommender } from './generative-spec.js';
import { LearnedIdModel, learnedParamsSchema } from './learned-id-model.js';

/** Items 0..numItems-1 drawn with probability proportional to 1 / (item + 1), 6 distinct per user. */
function zipfData(users: number, numItems: number, random: Random): Int32Array[] {
  const weights = Array.from({ length: numItems }, (_, item) => 1 / (item + 1));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const draw = (): number => {
    let left = random.next() * total;
    for (let item = 0; item < numItems; item++) {
      left -= weights[item]!;
      if (left < 0) return item;
    }
    return numItems - 1;
  };
  return Array.from({ length: users }, () => {
    const items = new Set<number>();
    while (items.size < 6) items.add(draw());
    return Int32Array.from(random.shuffle([...items]));
  });
}

/** 40 items in 4 loops of 10; each user walks one loop, so the next item is the successor of the last. */
function loopData(users: number, random: Random): Int32Array[] {
  return Array.from({ length: users }, (_, user) => {
    const loop = user % 4;
    const start = random.int(10);
    return Int32Array.from({ length: 4 + random.int(5) }, (_, i) => loop * 10 + ((start + i) % 10));
  });
}

function fitted(sequences: Int32Array[], numItems: number, params: Record<string, unknown>): LearnedIdModel {
  const data = { numUsers: sequences.length, numItems, sequences };
  return LearnedIdModel.fit(data, learnedParamsSchema.parse(params), new Random(1));
}

function weightOf(model: LearnedIdModel, column: string): number {
  const at = model.columns.indexOf(column);
  expect(at).toBeGreaterThanOrEqual(0);
  return model.weights[at]!;
}

describe('LearnedIdModel', () => {
  it('learns the popularity direction when the next item is drawn by popularity', () => {
    const sequences = zipfData(400, 60, new Random(4));
    const topOf = (values: ArrayLike<number>, n: number): number[] =>
      Array.from(values, (_, item) => item)
        .sort((a, b) => values[b]! - values[a]! || a - b)
        .slice(0, n);
    const users = new Float32Array(60);
    for (const sequence of sequences) for (const item of sequence) users[item]!++;
    const history = Int32Array.of(30, 40);
    const scores = new Float32Array(60);
    // Zipf draws: P(item) grows with users(item), and nothing else predicts it.
    const popularity = fitted(sequences, 60, { features: 'popularity' });
    expect(weightOf(popularity, 'popularity')).toBeGreaterThan(0.3);
    popularity.logScores(history, scores);
    expect(topOf(scores, 10)).toEqual(topOf(users, 10));
    // With every feature (transitions between draws also favour popular items) the most popular still leads.
    const model = fitted(sequences, 60, {});
    expect(model.columns).toEqual([
      'popularity',
      'recent',
      'transition',
      'transition log',
      'neighbours share',
      'neighbours log1p',
      'neighbours share log',
    ]);
    expect(weightOf(model, 'popularity')).toBeGreaterThan(0);
    model.logScores(history, scores);
    expect(topOf(scores, 1)).toEqual(topOf(users, 1));
  });

  it('learns the transition direction when the next item is the successor of the last', () => {
    const sequences = loopData(200, new Random(5));
    const model = fitted(sequences, 40, { features: 'popularity,transition,transitionLog' });
    expect(weightOf(model, 'transition') + weightOf(model, 'transition log')).toBeGreaterThan(1);
    const scores = new Float32Array(40);
    model.logScores(Int32Array.of(13, 14, 15), scores);
    const best = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]!)[0];
    expect(best).toBe(16);
  });

  it('saves and loads to the same scores', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'genfeed-learned-'));
    try {
      const model = fitted(loopData(120, new Random(6)), 40, {});
      const path = join(folder, 'learned.safetensors');
      await model.save(path);
      const loaded = await LearnedIdModel.load(path);
      expect(loaded.columns).toEqual(model.columns);
      expect([...loaded.weights]).toEqual([...model.weights]);
      const history = Int32Array.of(3, 4, 5);
      const [a, b] = [new Float32Array(40), new Float32Array(40)];
      model.logScores(history, a);
      loaded.logScores(history, b);
      expect([...b]).toEqual([...a]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('refuses a feature it does not know, naming it', () => {
    const parsed = learnedParamsSchema.safeParse({ features: 'popularity,trend' });
    expect(parsed.error?.issues[0]?.message).toMatch(/^"trend" is not a feature \(known: popularity, recent/);
    expect(() => new GenerativeRecommender({ idModel: 'learned', 'learned.features': 'trend' })).toThrow(
      /learned\.features/,
    );
    expect(() => new GenerativeRecommender({ idModel: 'learned', 'learned.users': 0 })).toThrow(
      /learned\.users/,
    );
  });
});

describe('GenerativeRecommender with a learned ID model (idModel learned)', () => {
  const sequences = loopData(120, new Random(8));
  const data = { numUsers: sequences.length, numItems: 40, sequences };
  const model = new GenerativeRecommender({
    dim: 32,
    layers: 1,
    heads: 2,
    dropout: 0,
    lr: 1e-2,
    batchSize: 32,
    epochs: 2,
    decayEpochs: 0,
    levels: 2,
    codebookSize: 4,
    vectorDim: 8,
    beamWidth: 8,
    maxItems: 10,
    idModel: 'learned',
    headMix: 1,
  });
  const fit = model.fit(data, { random: new Random(2), logger: silentLogger, progress: silentProgress });
  const history = sequences[3]!.subarray(0, -1);
  const folder = mkdtempSync(join(tmpdir(), 'genfeed-learned-id-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('at mix 1 ranks by the learned scores, and reloads with them at any mix', async () => {
    await fit;
    const path = join(folder, 'model.safetensors');
    await model.save(path);
    const learned = await LearnedIdModel.load(`${path}.id-model`);
    const scores = new Float32Array(40);
    learned.logScores(history, scores);
    const expected = Array.from(scores.keys())
      .filter((item) => !history.includes(item))
      .sort((a, b) => scores[b]! - scores[a]! || a - b)
      .slice(0, 5);
    expect([...model.generate(history, { k: 5 }).items]).toEqual(expected);
    const loaded = await GenerativeRecommender.load(path);
    for (const headMix of [0.4, 1]) {
      const a = model.generate(history, { k: 5, headMix });
      const b = loaded.generate(history, { k: 5, headMix });
      expect([...b.items]).toEqual([...a.items]);
      expect([...b.scores]).toEqual([...a.scores]);
    }
  }, 60_000);
});
