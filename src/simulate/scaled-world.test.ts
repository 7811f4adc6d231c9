import { describe, expect, it } from 'vitest';
import { scaledLog } from './scaled-log.js';
import { scaledUsers, scaledWorld } from './scaled-world.js';
import { tasteTruth } from './taste-truth.js';
import { taste } from './world.js';

describe('scaled worlds', () => {
  it('scales users with the square root of the catalogue from 2,000 at 2,000 videos', () => {
    expect([2_000, 20_000, 200_000, 1_000_000].map(scaledUsers)).toEqual([2000, 6325, 20000, 44721]);
    expect(scaledUsers(500)).toBe(2000);
    expect(() => scaledUsers(50)).toThrow(RangeError);
  });

  const world = scaledWorld(3000, { users: 150, seed: 3 });

  it('is the playground world at that size', () => {
    expect(world.mode).toBe('playground');
    expect(world.catalogue.size).toBe(3000);
    expect(world.population.size).toBe(150);
  });

  it('logs pages the users like better than random items, and their valid plays as sequences', () => {
    const { log, satisfaction, sequences } = scaledLog(world, { requestsPerUser: 4, pageSize: 5, seed: 2 });
    expect(log.size).toBe(150 * 4 * 5);
    expect(satisfaction).toHaveLength(log.size);
    let shownTaste = 0;
    let randomTaste = 0;
    for (let k = 0; k < log.size; k++) {
      shownTaste += taste(world, log.user[k]!, log.item[k]!);
      randomTaste += taste(world, log.user[k]!, (k * 7919) % 3000);
    }
    // Taste is standardised over random pairs: the best 5 of 100 noisy draws sit well above 0.
    expect(randomTaste / log.size).toBeLessThan(0.2);
    expect(shownTaste / log.size).toBeGreaterThan(1);
    for (let r = 0; r < log.size; r += 5) {
      expect(new Set(log.item.subarray(r, r + 5)).size).toBe(5);
    }
    const user = 7;
    const clicked: number[] = [];
    for (let k = 0; k < log.size; k++)
      if (log.user[k] === user && log.signals[k * 8] === 1) clicked.push(log.item[k]!);
    expect(Array.from(sequences[user]!)).toEqual(clicked);
    const clickRate = sequences.reduce((sum, sequence) => sum + sequence.length, 0) / log.size;
    expect(clickRate).toBeGreaterThan(0.3);
    expect(clickRate).toBeLessThan(0.95);
  });

  it('explores: a share of random slots lowers the taste of what is shown', () => {
    const meanTaste = (explorationShare: number) => {
      const { log } = scaledLog(world, { requestsPerUser: 2, explorationShare, seed: 4 });
      let sum = 0;
      for (let k = 0; k < log.size; k++) sum += taste(world, log.user[k]!, log.item[k]!);
      return sum / log.size;
    };
    expect(meanTaste(0.5)).toBeLessThan(meanTaste(0) - 0.5);
  });

  it("gives each user's truth: the highest-taste videos, best first, without the excluded ones", () => {
    const user = 11;
    const all = Array.from({ length: 3000 }, (_, item) => item).sort(
      (a, b) => taste(world, user, b) - taste(world, user, a),
    );
    expect(Array.from(tasteTruth(world, user, 10))).toEqual(all.slice(0, 10));
    const truth = tasteTruth(world, user, 10, [all[0]!, all[3]!]);
    expect(Array.from(truth)).toEqual(all.filter((_, rank) => rank !== 0 && rank !== 3).slice(0, 10));
  });
});
