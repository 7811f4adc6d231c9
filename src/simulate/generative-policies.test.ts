import { describe, expect, it } from 'vitest';
import { Random, silentLogger, silentProgress } from '../core/index.js';
import {
  durationAwareLongViewReward,
  generativeAlignedPolicy,
  generativePolicy,
  loggedLongViewReward,
} from './generative-policies.js';
import { playgroundWorld } from './playground-world.js';
import { findPolicy } from './policies.js';
import { SeenItems } from './seen-items.js';
import { shippedSummary } from './summary.js';

const world = playgroundWorld(shippedSummary(), { users: 40, items: 200, seed: 2 });
// Every user long-viewed a run of 6 videos; videos 0..19 are also everyone's favourites.
const sequences = Array.from({ length: 40 }, (_, user) =>
  Int32Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? (user * 3 + i) % 200 : (user + i) % 20)),
);
const context = () => ({
  world,
  training: { numUsers: 40, numItems: 200, sequences },
  random: new Random(3),
  logger: silentLogger,
  progress: silentProgress,
});
const tiny = {
  dim: 16,
  heads: 2,
  layers: 1,
  dropout: 0,
  epochs: 2,
  decayEpochs: 0,
  batchSize: 16,
  codebookSize: 8,
  vectorDim: 8,
  beamWidth: 10,
};
const alignment = {
  users: 10,
  candidates: 4,
  sessionLength: 2,
  beta: 0.1,
  lr: 1e-3,
  epochs: 1,
  batchSize: 8,
};

describe('generative policies', () => {
  it('are registered under generative and generative-aligned', () => {
    expect(findPolicy('generative').name).toBe('generative');
    expect(findPolicy('generative-aligned').name).toBe('generative-aligned');
  });

  it('serve pages of distinct, real, unseen videos, before and after alignment', async () => {
    const shared = context();
    for (const factory of [
      generativePolicy(tiny),
      generativeAlignedPolicy(loggedLongViewReward, tiny, alignment),
    ]) {
      const policy = await factory.create(shared);
      const seen = new SeenItems(200);
      for (const item of [0, 1, 2, 5]) seen.add(item);
      const out = new Int32Array(10);
      policy.rank({ user: 1, day: 0, hour: 12, history: Int32Array.from([1, 2]), seen, size: 10 }, out);
      expect(new Set(out).size, factory.name).toBe(10);
      for (const item of out) {
        expect(item >= 0 && item < 200, factory.name).toBe(true);
        expect(seen.has(item), factory.name).toBe(false);
      }
    }
  }, 60_000);

  it('rewards sessions by the logged long views of their videos only', () => {
    const reward = loggedLongViewReward(context()) as (u: number, h: Int32Array, s: Int32Array) => number;
    const popular = reward(0, new Int32Array(0), Int32Array.from([1, 3]));
    const rare = reward(0, new Int32Array(0), Int32Array.from([199, 197]));
    expect(popular).toBeGreaterThan(rare);
  });

  it('compares long views within a duration decile: the raw count no longer favours short videos', () => {
    const byDuration = Array.from({ length: 200 }, (_, item) => item).sort(
      (a, b) => world.catalogue.durationMs[a]! - world.catalogue.durationMs[b]!,
    );
    const shortest = byDuration.slice(0, 20);
    const longest = byDuration.slice(180);
    // Every short video long-viewed twice, every long one once; one long video three times.
    const logged = [...shortest, ...shortest, ...longest, longest[0]!, longest[0]!];
    const shared = {
      ...context(),
      training: { numUsers: 1, numItems: 200, sequences: [Int32Array.from(logged)] },
    };
    const raw = loggedLongViewReward(shared) as (u: number, h: Int32Array, s: Int32Array) => number;
    const aware = durationAwareLongViewReward(shared) as (u: number, h: Int32Array, s: Int32Array) => number;
    const none = new Int32Array(0);
    expect(raw(0, none, Int32Array.of(shortest[0]!))).toBeGreaterThan(
      raw(0, none, Int32Array.of(longest[1]!)),
    );
    expect(aware(0, none, Int32Array.of(shortest[0]!))).toBeCloseTo(0, 9); // its whole decile has 2 each
    expect(aware(0, none, Int32Array.of(longest[0]!))).toBeGreaterThan(
      aware(0, none, Int32Array.of(longest[1]!)),
    );
  });
});
