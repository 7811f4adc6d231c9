import { describe, expect, it } from 'vitest';
import { topK } from '../eval/index.js';
import { cosineNeighbours } from './cosine-neighbours.js';
import { ItemKnn } from './item-knn.js';
import { MarkovKnn, transitionProbabilities } from './markov.js';
import { Popularity } from './popularity.js';

const sequences = [
  [0, 1, 2],
  [0, 1],
  [1, 2, 3],
  [3, 4],
  [0, 1, 0],
].map((sequence) => Int32Array.from(sequence));
const data = { numUsers: sequences.length, numItems: 6, sequences };

function rank(score: (scores: Float32Array) => void, k = 6): number[] {
  const scores = new Float32Array(data.numItems);
  score(scores);
  return Array.from(topK(scores, k));
}

describe('Popularity', () => {
  it('ranks by the number of distinct users per item', () => {
    const model = new Popularity();
    model.fit(data);
    // users: item0 3 (user 4 counted once), item1 4, item2 2, item3 2, item4 1, item5 0
    expect(rank((scores) => model.score(0, new Int32Array(0), scores))).toEqual([1, 0, 2, 3, 4, 5]);
  });
});

describe('cosineNeighbours', () => {
  it('computes shrunk cosine similarities and keeps the top neighbours', () => {
    const neighbours = cosineNeighbours(sequences, data.numItems, { neighbours: 2, shrink: 1 });
    const row = (item: number) =>
      Array.from(
        neighbours.items.subarray(neighbours.offsets[item], neighbours.offsets[item + 1]),
        (other, n) => [other, neighbours.weights[neighbours.offsets[item]! + n]!],
      );
    // item 0: users {0,1,4}; item 1: users {0,1,2,4}: co 3 -> 3 / (sqrt(12) + 1); item 2: users {0,2}: co 1 -> 1 / (sqrt(6) + 1)
    expect(row(0)[0]![0]).toBe(1);
    expect(row(0)[0]![1]).toBeCloseTo(3 / (Math.sqrt(12) + 1), 6);
    expect(row(0)[1]![0]).toBe(2);
    expect(row(0)[1]![1]).toBeCloseTo(1 / (Math.sqrt(6) + 1), 6);
    expect(row(5)).toEqual([]);
    expect(() => cosineNeighbours(sequences, 6, { neighbours: 0, shrink: 0 })).toThrow(RangeError);
  });
});

describe('ItemKnn', () => {
  it('ranks items that co-occur with the history first and never scores zero-neighbour items above them', () => {
    const model = new ItemKnn({ neighbours: 10, shrink: 0, decay: 1 });
    model.fit(data);
    const ranked = rank((scores) => model.score(0, Int32Array.from([3]), scores));
    // item 3 (users {2,3}) vs 4 {3}: 1/sqrt(2); vs 2 {0,2}: 1/sqrt(4); vs 1 {0,1,2,4}: 1/sqrt(8).
    // The rest follow the popularity tie-break: 0 (3 users), 3 (2), 5 (0).
    expect(ranked).toEqual([4, 2, 1, 0, 3, 5]);
  });

  it('weights recent history more with decay < 1', () => {
    const model = new ItemKnn({ neighbours: 10, shrink: 0, decay: 0.1 });
    model.fit(data);
    // history [4, 0]: the recent item 0 drives the ranking towards 1, not 3.
    const ranked = rank((scores) => model.score(0, Int32Array.from([4, 0]), scores));
    expect(ranked.indexOf(1)).toBeLessThan(ranked.indexOf(3));
  });
});

describe('MarkovKnn', () => {
  it('estimates transition probabilities from consecutive pairs', () => {
    const transitions = transitionProbabilities(sequences, data.numItems);
    const from = (item: number) =>
      Object.fromEntries(
        Array.from(
          transitions.items.subarray(transitions.offsets[item], transitions.offsets[item + 1]),
          (next, n) => [next, transitions.weights[transitions.offsets[item]! + n]],
        ),
      );
    // 1 -> 2 (users 0, 2), 1 -> 0 (user 4): 2/3 and 1/3
    expect(from(1)[2]).toBeCloseTo(2 / 3, 6);
    expect(from(1)[0]).toBeCloseTo(1 / 3, 6);
    expect(from(0)).toEqual({ 1: 1 });
    expect(from(5)).toEqual({});
  });

  it('ranks the likeliest successor of the last item first', () => {
    const model = new MarkovKnn({ weight: 0.9, neighbours: 10, shrink: 0, decay: 1 });
    model.fit(data);
    expect(rank((scores) => model.score(0, Int32Array.from([3, 1]), scores))[0]).toBe(2);
    expect(rank((scores) => model.score(0, Int32Array.from([2, 3]), scores))[0]).toBe(4);
  });
});

describe('baseline state (what a generative model saves of its ID model)', () => {
  it('MarkovKnn and Popularity rebuilt from their state score exactly alike', () => {
    const markov = new MarkovKnn({ weight: 0.7, decay: 0.5 });
    markov.fit(data);
    const rebuilt = MarkovKnn.fromState(markov.state());
    for (const history of [[0], [1, 2], [3], [5], []]) {
      const [a, b] = [new Float32Array(6), new Float32Array(6)];
      markov.score(0, Int32Array.from(history), a);
      rebuilt.score(0, Int32Array.from(history), b);
      expect([...b]).toEqual([...a]);
    }
    expect(rebuilt.numItems).toBe(data.numItems);
    const popularity = new Popularity();
    popularity.fit(data);
    expect([...Popularity.fromCounts(popularity.counts()).counts()]).toEqual([...popularity.counts()]);
  });

  it('refuses a state whose arrays do not cover the same items', () => {
    const markov = new MarkovKnn();
    markov.fit(data);
    const state = markov.state();
    expect(() => MarkovKnn.fromState({ ...state, prior: state.prior.subarray(0, 4) })).toThrow(
      'MarkovKnn: transitions do not cover its 4 items',
    );
  });
});
