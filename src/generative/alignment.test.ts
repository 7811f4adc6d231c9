import { describe, expect, it } from 'vitest';
import { Random, silentLogger, silentProgress } from '../core/index.js';
import { noGrad, tensor, tidy } from '../tensor/index.js';
import { alignGenerative, itemTokensOf, type SessionReward } from './alignment.js';
import { dpoLoss } from './dpo-loss.js';
import { frozenCopy } from './frozen-copy.js';
import { GenerativeRecommender } from './generative-spec.js';
import { LazyDecoder } from './lazy-decoder.js';
import { candidateSessions } from './session-candidates.js';
import { type SessionRow, sessionContext, sessionLogProbs } from './session-log-prob.js';

/** 40 items in 4 loops of 10; each user walks one loop, so several next items are plausible only early on. */
function loopData(users: number, random: Random): Int32Array[] {
  return Array.from({ length: users }, (_, user) => {
    const loop = user % 4;
    const start = random.int(10);
    const length = 3 + random.int(6);
    return Int32Array.from({ length }, (_, i) => loop * 10 + ((start + i) % 10));
  });
}

const tiny = {
  dim: 32,
  layers: 1,
  heads: 2,
  dropout: 0,
  lr: 1e-2,
  batchSize: 32,
  epochs: 8,
  decayEpochs: 0,
  levels: 2,
  codebookSize: 4,
  vectorDim: 8,
  beamWidth: 8,
  maxItems: 8,
};

async function fitted(): Promise<{ recommender: GenerativeRecommender; sequences: Int32Array[] }> {
  const sequences = loopData(160, new Random(3));
  const recommender = new GenerativeRecommender(tiny);
  await recommender.fit(
    { numUsers: sequences.length, numItems: 40, sequences },
    { random: new Random(1), logger: silentLogger, progress: silentProgress },
  );
  return { recommender, sequences };
}

function logProbs(model: LazyDecoder, itemTokens: Int32Array, rows: SessionRow[]): Float32Array {
  let out = new Float32Array(0);
  noGrad(() =>
    tidy(() => {
      out = Float32Array.from(sessionLogProbs(model, itemTokens, rows).data);
      return null;
    }),
  );
  return out;
}

const lazy = (recommender: GenerativeRecommender): LazyDecoder => {
  const model = recommender.model;
  if (!(model instanceof LazyDecoder)) throw new Error('lazy decoder expected');
  return model;
};

describe('preference alignment (DPO on beam-searched sessions)', () => {
  const ready = fitted();

  it('scores a session with the sum of the token log-probabilities beam search gave it', async () => {
    const { recommender, sequences } = await ready;
    const model = lazy(recommender);
    const itemTokens = itemTokensOf(recommender);
    const rows: SessionRow[] = [];
    const expected: number[] = [];
    // Short and long histories (the long ones are cut to the session's context window).
    for (const history of [...sequences.slice(0, 4), Int32Array.from({ length: 12 }, (_, i) => i % 10)]) {
      const context = sessionContext(history, 3, model.config.maxItems);
      const session = recommender.generateSession(context, 3, history);
      expect(session.items.length).toBe(3);
      rows.push({ history, session: session.items });
      expected.push(session.scores.reduce((a, b) => a + b, 0));
    }
    const got = logProbs(model, itemTokens, rows);
    for (const [i, value] of expected.entries()) expect(got[i]).toBeCloseTo(value, 3);
  });

  it('computes the DPO loss by hand: log 2 at the reference, margin β times the log-ratio gap', () => {
    const policy = Float32Array.of(-1, -2, -3, -1); // chosen 0, 1; rejected 0, 1
    const reference = Float32Array.of(-1.5, -2, -2, -1.5);
    const { loss, margins } = dpoLoss(tensor(policy, [4]), reference, 0.5);
    // pair 0: 0.5 * ((-1 + 1.5) - (-3 + 2)) = 0.75; pair 1: 0.5 * ((-2 + 2) - (-1 + 1.5)) = -0.25
    expect(Array.from(margins.data)).toEqual([0.75, -0.25]);
    const expected = (Math.log1p(Math.exp(-0.75)) + Math.log1p(Math.exp(0.25))) / 2;
    expect(loss.data[0]).toBeCloseTo(expected, 6);
    const same = dpoLoss(tensor(reference, [4]), reference, 0.5);
    expect(same.loss.data[0]).toBeCloseTo(Math.log(2), 6);
  });

  it('a DPO step raises the chosen session against the rejected one, relative to the frozen reference', async () => {
    const { recommender, sequences } = await fitted();
    const model = lazy(recommender);
    const itemTokens = itemTokensOf(recommender);
    const history = sequences[0]!;
    const context = sessionContext(history, 2, model.config.maxItems);
    const [chosen, rejected] = candidateSessions(recommender, context, {
      count: 4,
      length: 2,
      exclude: history,
    }).slice(-2);
    // Prefer the lower-ranked of the beam's last two sessions: against the model's own preference.
    const reward: SessionReward = (_user, _history, session) =>
      session.join() === chosen!.join() ? 1 : session.join() === rejected!.join() ? -1 : 0;
    const rows = [
      { history, session: chosen! },
      { history, session: rejected! },
    ];
    const before = logProbs(model, itemTokens, rows);
    const result = await alignGenerative(recommender, [{ user: 0, history }], reward, {
      random: new Random(5),
      candidates: 4,
      sessionLength: 2,
      lr: 1e-3,
      epochs: 3,
      beta: 1,
    });
    expect(result.pairs).toBe(1);
    const after = logProbs(model, itemTokens, rows);
    const reference = logProbs(result.reference, itemTokens, rows);
    expect(Array.from(reference)).toEqual(Array.from(before)); // the reference is the policy before alignment
    const gap = after[0]! - reference[0]! - (after[1]! - reference[1]!);
    expect(gap).toBeGreaterThan(0.1);
    expect(result.history[0]!.loss).toBeCloseTo(Math.log(2), 4); // first step at the reference
    expect(result.history.at(-1)!.loss).toBeLessThan(result.history[0]!.loss);
  });

  it('keeps the reference frozen, shifts generation toward the reward, and every item stays valid', async () => {
    const { recommender, sequences } = await fitted();
    const model = lazy(recommender);
    const original = frozenCopy(model);
    // Reward: items of the upper half of each loop (x5..x9).
    const good = (item: number): number => (item % 10 >= 5 ? 1 : 0);
    const reward: SessionReward = (_user, _history, session) =>
      session.reduce((sum, item) => sum + good(item), 0);
    const users = sequences.slice(0, 60).map((history, user) => ({ user, history }));
    const share = (): number => {
      let hits = 0;
      let total = 0;
      for (const { history } of users) {
        const { items } = recommender.generate(history, { k: 5 });
        expect(items.length).toBe(5);
        expect(new Set(items).size).toBe(5);
        for (const item of items) {
          expect(item).toBeGreaterThanOrEqual(0);
          expect(item).toBeLessThan(40);
          expect(history.includes(item)).toBe(false);
          hits += good(item);
          total++;
        }
      }
      return hits / total;
    };
    const before = share();
    const result = await alignGenerative(recommender, users, reward, {
      random: new Random(7),
      candidates: 8,
      sessionLength: 3,
      lr: 3e-3,
      epochs: 4,
      beta: 0.5,
      batchSize: 8,
    });
    expect(result.chosenReward).toBeGreaterThan(result.rejectedReward);
    const after = share(); // also checks validity of every aligned output
    expect(after).toBeGreaterThan(before);
    const reference = new Map(result.reference.namedParameters());
    let changed = 0;
    for (const [name, parameter] of original.namedParameters()) {
      expect(Array.from(reference.get(name)!.data)).toEqual(Array.from(parameter.data));
      const current = model.namedParameters().find(([n]) => n === name)![1];
      if (current.data.some((value, i) => value !== parameter.data[i])) changed++;
    }
    expect(changed).toBeGreaterThan(0);
  });
});
