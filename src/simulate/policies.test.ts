import { describe, expect, it } from 'vitest';
import { itemKnnSpec } from '../baselines/index.js';
import { Random, silentLogger, silentProgress } from '../core/index.js';
import { playgroundWorld } from './playground-world.js';
import { findPolicy, policyNames, recommenderPolicy, registerPolicy } from './policies.js';
import { SeenItems } from './seen-items.js';
import { shippedSummary } from './summary.js';
import { expectedSatisfaction, taste } from './world.js';

const world = playgroundWorld(shippedSummary(), { users: 20, items: 300, seed: 2 });
const context = (sequences: Int32Array[]) => ({
  world,
  training: { numUsers: 20, numItems: 300, sequences },
  random: new Random(3),
  logger: silentLogger,
  progress: silentProgress,
});

describe('policies', () => {
  it('registers random, pop, itemknn, markov and the logging reference; unknown names list the choices', () => {
    expect(policyNames()).toEqual(expect.arrayContaining(['random', 'pop', 'itemknn', 'markov', 'logging']));
    expect(() => findPolicy('nope')).toThrow(/Unknown policy "nope"; available: random, pop/);
    expect(() => registerPolicy(findPolicy('pop'))).toThrow(/already registered/);
  });

  it('returns distinct unseen items, best first, topping up with random ones', async () => {
    const sequences = Array.from({ length: 20 }, (_, user) => Int32Array.from([user, user + 1, 50]));
    for (const name of ['random', 'pop', 'itemknn', 'logging']) {
      const policy = await findPolicy(name).create(context(sequences));
      const seen = new SeenItems(300);
      for (const item of [50, 1, 2]) seen.add(item);
      const out = new Int32Array(10);
      policy.rank({ user: 1, day: 0, hour: 12, history: Int32Array.from([1, 2]), seen, size: 10 }, out);
      expect(new Set(out).size, name).toBe(10);
      for (const item of out) {
        expect(seen.has(item), name).toBe(false);
        expect(item >= 0 && item < 300, name).toBe(true);
      }
    }
    // pop ranks by training popularity: item 1 (two users) is seen, so the next most popular lead.
    const pop = await findPolicy('pop').create(context(sequences));
    const out = new Int32Array(3);
    pop.rank(
      { user: 0, day: 0, hour: 0, history: new Int32Array(0), seen: new SeenItems(300), size: 3 },
      out,
    );
    expect(out[0]).toBe(50);
  });

  it('wraps any eval recommender with its params', async () => {
    const factory = recommenderPolicy(itemKnnSpec, { neighbours: 5 });
    expect(factory.name).toBe('itemknn');
    const policy = await factory.create(context([Int32Array.from([1, 2, 3])]));
    const out = new Int32Array(4);
    policy.rank(
      { user: 0, day: 0, hour: 0, history: Int32Array.from([1]), seen: new SeenItems(300), size: 4 },
      out,
    );
    expect(new Set(out).size).toBe(4);
  });
});

describe('ground truth', () => {
  it('expects satisfaction to rise with taste, within (0, 1)', () => {
    const pairs = Array.from({ length: 200 }, (_, k) => ({ user: k % 20, item: (k * 7) % 300 }));
    const sorted = pairs.sort((a, b) => taste(world, a.user, a.item) - taste(world, b.user, b.item));
    const values = sorted.map(({ user, item }) => expectedSatisfaction(world, user, item));
    for (let k = 1; k < values.length; k++) expect(values[k]!).toBeGreaterThanOrEqual(values[k - 1]!);
    expect(values[0]! > 0 && values[values.length - 1]! < 1).toBe(true);
  });
});
