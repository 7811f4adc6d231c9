import { describe, expect, it } from 'vitest';
import { Random } from '../core/index.js';
import { formulaScores, formulaWeights, headNames, numHeads } from '../reward/index.js';
import { withSatisfactionWorld } from './satisfaction-world.js';
import { smallEnvironment } from './test-support/small-world.js';
import { tuneFormulaWeights } from './tune-formula.js';
import { tunedWeightsOf, uniformWorldStrength, weightedFormulaScores } from './tuned-formula.js';
import { tunedFormulaWeights } from './tuned-formula-weights.js';

describe('tuned formula', () => {
  it('scores like the fixed formula at the hand-set weights', () => {
    const random = new Random(3);
    const predictions = Float32Array.from({ length: 40 * numHeads }, () => random.next());
    const expected = formulaScores(predictions, headNames);
    const actual = weightedFormulaScores(predictions, { ...formulaWeights });
    for (let n = 0; n < 40; n++) expect(actual[n]).toBeCloseTo(expected[n]!, 4);
  });

  it('searches the weights as pre-registered: hand-set first, signs kept, finalists rescored, the best mean wins', async () => {
    const environment = await smallEnvironment({ users: 150, items: 800, seed: 7 });
    const tuned = await tuneFormulaWeights(environment, {
      candidates: 3,
      seeds: 1,
      finalists: 2,
      users: 150,
      warmupDays: 1,
      days: 1,
    });
    expect(tuned.candidates).toHaveLength(4);
    expect(tuned.candidates[0]!.weights).toEqual(formulaWeights);
    for (const { weights, stayTime } of tuned.candidates) {
      expect(weights.is_hate).toBeLessThan(0);
      for (const name of headNames) if (name !== 'is_hate') expect(weights[name]).toBeGreaterThan(0);
      expect(stayTime.every((value) => value > 0)).toBe(true);
    }
    const finalists = tuned.candidates.filter((candidate) => candidate.stayTime.length === 2);
    expect(finalists).toHaveLength(2);
    expect(finalists).toContain(tuned.best);
    for (const finalist of finalists)
      expect(tuned.best.meanStayTime).toBeGreaterThanOrEqual(finalist.meanStayTime);
    // Only finalists beat the rest on their first seeds.
    const firstSeed = (candidate: (typeof tuned.candidates)[number]) => candidate.stayTime[0]!;
    const others = tuned.candidates.filter((candidate) => !finalists.includes(candidate));
    for (const other of others)
      for (const finalist of finalists) expect(firstSeed(finalist)).toBeGreaterThanOrEqual(firstSeed(other));
  }, 180_000);
});

describe('tuned-formula policy', () => {
  it('reads the strength of a uniform satisfaction world; a world without frozen weights is a clear error', async () => {
    const environment = await smallEnvironment({ users: 100, items: 500 });
    const { world } = environment;
    expect(uniformWorldStrength(world)).toBe(0);
    expect(uniformWorldStrength(withSatisfactionWorld(world, { strength: 0.5, seed: 1 }))).toBe(0.5);
    const mixed = withSatisfactionWorld(world, { strength: 1, strengths: { temptation: 2 }, seed: 1 });
    expect(uniformWorldStrength(mixed)).toBeUndefined();
    expect(() => tunedWeightsOf(mixed)).toThrow(/not for departures of unequal strengths.*tune-formula/);
    const untuned = withSatisfactionWorld(world, { strength: 3.5, seed: 1 });
    expect(() => tunedWeightsOf(untuned)).toThrow(/not for 3\.5: tune them with genfeed reward tune-formula/);
    for (const [strength, tuned] of Object.entries(tunedFormulaWeights)) {
      const frozen = tunedWeightsOf(withSatisfactionWorld(world, { strength: Number(strength), seed: 1 }));
      expect(frozen).toBe(tuned);
      expect(frozen.weights.is_hate).toBeLessThan(0);
    }
  });
});
