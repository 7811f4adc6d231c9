import { describe, expect, it } from 'vitest';
import { Random, silentLogger, silentProgress } from '../core/index.js';
import { backward, noGrad, tensor, tidy } from '../tensor/index.js';
import { Optimization } from '../training/index.js';
import { itemTokensOf, type SessionReward } from './alignment.js';
import { alignEcpo, ecpoUpdate, sampleGroup, sampleSession } from './ecpo.js';
import { ecpoLoss, ecpoTerms, groupAdvantages, klTerms } from './ecpo-loss.js';
import { GenerativeRecommender } from './generative-spec.js';
import { LazyDecoder } from './lazy-decoder.js';
import { type SessionRow, sessionContext, sessionLogProbs } from './session-log-prob.js';

describe('ECPO loss (hand-computed)', () => {
  it('normalises rewards within a group and gives equal rewards no advantage', () => {
    const advantages = groupAdvantages([1, 2, 3, 4]); // mean 2.5, population std sqrt(1.25)
    const std = Math.sqrt(1.25);
    expect([...advantages].map((a) => +a.toFixed(6))).toEqual(
      [-1.5 / std, -0.5 / std, 0.5 / std, 1.5 / std].map((a) => +a.toFixed(6)),
    );
    expect([...groupAdvantages([0.3, 0.3, 0.3])]).toEqual([0, 0, 0]);
  });

  it('clips positive advantages at 1 + ε and bounds negative ones early at 1 + ε + δ', () => {
    const old = [0, 0, 0, 0, 0, 0];
    const ratios = [1.1, 1.5, 3, 1.25, 0.5, 0.9];
    const advantages = [1, 2, -1, -2, -1, -1];
    const terms = ecpoTerms(
      ratios.map((r) => Math.log(r)),
      old,
      advantages,
      { epsilon: 0.2, delta: 0.1 },
    );
    // 0: inside the clip -> r A, gradient r A.  1: A > 0, r > 1.2 -> 1.2 A, no gradient.
    // 2: A < 0, r = 3 > 1.3 -> early-clipped to 1.3: value and gradient 1.3 A (plain PPO: 3 A).
    // 3: A < 0, 1.2 < r = 1.25 < 1.3 -> r A (min keeps the unclipped term).  4: A < 0, r < 0.8 -> 0.8 A, no gradient.
    // 5: inside the clip.
    const expected = [1.1, 2.4, -1.3, -2.5, -0.8, -0.9];
    const gradients = [1.1, 0, -1.3, -2.5, 0, -0.9];
    for (const [i, value] of expected.entries()) expect(terms.objective[i]).toBeCloseTo(value, 6);
    for (const [i, value] of gradients.entries()) expect(terms.gradient[i]).toBeCloseTo(value, 6);
    expect(terms.earlyClipped).toBe(1);
    expect(terms.clipped).toBe(2);
    // Without the early clip (δ huge) the same sample pushes with its full ratio.
    const plain = ecpoTerms([Math.log(3)], [0], [-1], { epsilon: 0.2, delta: 1e9 });
    expect(plain.gradient[0]).toBeCloseTo(-3, 6);
    expect(() => ecpoTerms([0], [0, 0], [1])).toThrow(/ecpoTerms: 1 policy, 2 old/);
  });

  it('builds a loss whose gradient is -(1/S)(dJ/dlog π - β dKL/dlog π)', () => {
    const values = [Math.log(1.1), Math.log(3), Math.log(0.5)];
    const policy = tensor(values, [3], { requiresGrad: true });
    const reference = [0, Math.log(2), 0];
    const advantages = [1, -1, -1];
    const { loss, value, kl } = ecpoLoss(policy, [0, 0, 0], advantages, reference, { klWeight: 0.5 });
    const k = klTerms(values, reference);
    // k3 at d = ref - π: exp(d) - d - 1.
    expect(k.kl[0]).toBeCloseTo(1 / 1.1 + Math.log(1.1) - 1, 6);
    expect(k.gradient[1]).toBeCloseTo(1 - 2 / 3, 6);
    const objective = [1.1, -1.3, -0.8];
    const dObjective = [1.1, -1.3, 0];
    expect(value).toBeCloseTo(-(objective.reduce((a, b, i) => a + b - 0.5 * k.kl[i]!, 0) / 3), 5);
    expect(kl).toBeCloseTo((k.kl[0]! + k.kl[1]! + k.kl[2]!) / 3, 6);
    backward(loss);
    const grad = policy.grad!;
    for (const [i, g] of dObjective.entries())
      expect(grad[i]).toBeCloseTo(-(g - 0.5 * k.gradient[i]!) / 3, 5);
  });
});

/** 40 items in 4 loops of 10; each user walks one loop. */
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

const lazy = (recommender: GenerativeRecommender): LazyDecoder => {
  const model = recommender.model;
  if (!(model instanceof LazyDecoder)) throw new Error('lazy decoder expected');
  return model;
};

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

/** Share of a session's items in the second half of their loop (x5..x9): the test reward. */
const laterHalf: SessionReward = (_user, _history, session) =>
  session.reduce((sum, item) => sum + (item % 10 >= 5 ? 1 : 0), 0) / Math.max(1, session.length);

describe('ECPO alignment (sampled groups on a tiny model)', () => {
  const ready = fitted();

  it('samples real unseen items under the constraints; unconstrained samples can break the format', async () => {
    const { recommender, sequences } = await ready;
    const random = new Random(5);
    let malformed = 0;
    let free = 0;
    for (const history of sequences.slice(0, 20)) {
      const group = sampleGroup(recommender, 0, history, laterHalf, {
        random,
        groupSize: 4,
        unconstrained: 4,
        sessionLength: 3,
        temperature: 2,
        formatReward: -1,
      });
      for (const sample of group) {
        if (!sample.unconstrained) {
          expect(sample.malformed).toBe(false);
          expect(sample.session.length).toBe(3);
          expect(new Set(sample.session).size).toBe(3);
          for (const item of sample.session) {
            expect(item).toBeGreaterThanOrEqual(0);
            expect(item).toBeLessThan(40);
            expect(history.includes(item)).toBe(false);
          }
          expect(sample.reward).toBe(laterHalf(0, history, sample.session));
        } else {
          free++;
          if (sample.malformed) {
            malformed++;
            expect(sample.reward).toBe(-1);
            const last = sample.session.at(-1)!;
            // Either a path that names no item (a pseudo-item with its tokens kept) or a repeat.
            if (last >= 40) expect(sample.extraTokens.length).toBe(recommender.tokenizer.depth);
            else expect([...history, ...sample.session.slice(0, -1)]).toContain(last);
          }
        }
      }
    }
    expect(free).toBe(80);
    expect(malformed).toBeGreaterThan(0);
  });

  it('one ECPO step raises the best session of a group and lowers the worst', async () => {
    const { recommender, sequences } = await ready;
    const model = lazy(recommender);
    const itemTokens = itemTokensOf(recommender);
    const history = sequences[0]!;
    const context = sessionContext(history, 3, model.config.maxItems);
    const random = new Random(9);
    // Four distinct sampled sessions (a group of repeats has nothing to rank).
    const distinct = new Map<string, Int32Array>();
    for (let tries = 0; tries < 100 && distinct.size < 4; tries++) {
      const { session } = sampleSession(recommender, context, history, {
        length: 3,
        constrained: true,
        temperature: 1.5,
        random,
      });
      distinct.set(session.join(','), session);
    }
    const sessions = [...distinct.values()];
    expect(sessions.length).toBe(4);
    // Rewards 0..3 in sampling order: the last session is the best, the first the worst.
    const rewards = sessions.map((_, i) => i);
    const advantages = groupAdvantages(rewards);
    const rows = sessions.map((session) => ({ history: context, session }));
    const before = logProbs(model, itemTokens, rows);
    const snapshot = model.parameters().map((p) => Float32Array.from(p.data));
    const optimization = new Optimization(model.parameters(), { lr: 1e-3 });
    const update = ecpoUpdate(
      model,
      optimization,
      itemTokens,
      { rows, extras: rows.map(() => new Int32Array(0)), advantages, histories: [history] },
      undefined,
      { random, epochs: 1 },
    );
    const after = logProbs(model, itemTokens, rows);
    expect(update.clipped).toBe(0); // first epoch: ratio 1, nothing clipped
    expect(after[3]!).toBeGreaterThan(before[3]!);
    expect(after[0]!).toBeLessThan(before[0]!);
    // Restore the fitted weights for the next test.
    for (const [i, p] of model.parameters().entries()) p.data.set(snapshot[i]!);
  });

  it('aligns toward a reward while every served item stays a distinct real unconsumed item', async () => {
    const { recommender, sequences } = await ready;
    const users = sequences.slice(0, 48).map((history, user) => ({ user, history }));
    const share = (): number => {
      let total = 0;
      for (const { history } of users) {
        const { items } = recommender.generate(history, { k: 5 });
        expect(items.length).toBe(5);
        expect(new Set(items).size).toBe(5);
        for (const item of items) {
          expect(item >= 0 && item < 40).toBe(true);
          expect(history.includes(item)).toBe(false);
        }
        total += laterHalf(0, history, items);
      }
      return total / users.length;
    };
    const before = share();
    const result = await alignEcpo(recommender, users, laterHalf, {
      random: new Random(13),
      groupSize: 6,
      unconstrained: 2,
      sessionLength: 3,
      lr: 3e-3,
      epochs: 2,
      usersPerStep: 4,
      klWeight: 0.05,
    });
    const after = share();
    expect(result.groups + result.skipped).toBe(users.length);
    expect(result.invalidPaths).toBeLessThanOrEqual(result.malformed);
    expect(result.history.length).toBeGreaterThan(0);
    expect(result.history.some((step) => step.clipped > 0)).toBe(true); // the second epoch moves ratios off 1
    expect(after).toBeGreaterThan(before);
  });
});
